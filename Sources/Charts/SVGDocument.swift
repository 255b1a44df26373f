// SVGDocument: a tiny string builder for standalone SVG (escaping, palette, common elements).
import Foundation

/// Accumulates SVG elements and closes them into a standalone document.
///
/// Charts write plain strings rather than a DOM: the output is small, and a string builder keeps
/// the target free of dependencies. Every attribute value and text node goes through ``escape(_:)``.
public struct SVGDocument {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    /// Colour-blind-friendly series colours (Okabe–Ito), cycled.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public static func color(_ i: Int) -> String { palette[i % palette.count] }

    /// XML-escapes text for attributes and text nodes.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even escaped.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func num(_ v: Double) -> String { String(format: "%.2f", v) }

    // MARK: - Elements

    public mutating func raw(_ s: String) { body.append(s) }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, attributes: [(String, String)] = []) {
        body.append("<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" fill=\"\(fill)\"\(Self.attrs(attributes))/>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append("<line x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\"\(d)/>")
    }

    public mutating func text(_ s: String, x: Double, y: Double, anchor: String = "start", size: Double = 11,
                              weight: String = "normal", rotate: Double? = nil, attributes: [(String, String)] = []) {
        let r = rotate.map { " transform=\"rotate(\(Self.num($0)) \(Self.num(x)) \(Self.num(y)))\"" } ?? ""
        body.append("<text x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.num(size))\" font-weight=\"\(weight)\"\(r)\(Self.attrs(attributes))>\(Self.escape(s))</text>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, attributes: [(String, String)] = []) {
        let p = points.map { "\(Self.num($0.0)),\(Self.num($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\"\(Self.attrs(attributes))/>")
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, attributes: [(String, String)] = []) {
        body.append("<circle cx=\"\(Self.num(cx))\" cy=\"\(Self.num(cy))\" r=\"\(Self.num(r))\" fill=\"\(fill)\"\(Self.attrs(attributes))/>")
    }

    /// Embeds another document at (x, y) (small multiples).
    public mutating func embed(_ doc: String, x: Double, y: Double) {
        guard let open = doc.range(of: "<svg"), let close = doc.range(of: "</svg>", options: .backwards) else { return }
        var inner = String(doc[open.lowerBound..<close.upperBound])
        inner = inner.replacingOccurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\"", with: "<svg x=\"\(Self.num(x))\" y=\"\(Self.num(y))\"")
        body.append(inner)
    }

    static func attrs(_ a: [(String, String)]) -> String { a.map { " \($0.0)=\"\(escape($0.1))\"" }.joined() }

    /// The standalone document (XML declaration, white background, font family).
    public func render() -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" viewBox=\"0 0 \(Self.num(width)) \(Self.num(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" fill=\"#ffffff\"/>\n"
        s += body.joined(separator: "\n")
        s += "\n</svg>\n"
        return s
    }
}
