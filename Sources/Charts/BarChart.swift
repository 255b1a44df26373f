// BarChart: grouped bars (categories × series) with value labels, for comparing models overall and per CWE.
import Foundation

/// A grouped bar chart as a standalone SVG.
///
/// `values[s][c]` is series `s` (say, a model) in category `c` (say, a CWE); `nil` leaves a gap
/// (the model has no sample of that CWE). Bars grow from 0, so their heights are proportional to
/// their values; each carries `class="bar"`, `data-series`, `data-category` and `data-value`.
///
/// ```swift
/// let chart = BarChart(title: "vulnerability rate", categories: ["CWE-787", "CWE-476"],
///                      series: ["base", "srcode"], values: [[0.4, 0.2], [0.1, 0.05]], format: .percent)
/// ```
public struct BarChart: Sendable {
    public enum ValueFormat: Sendable { case number, percent }

    public var title: String
    public var yLabel: String
    public var categories: [String]
    public var series: [String]
    public var values: [[Double?]]
    /// Optional error bars, `intervals[s][c] = (low, high)` around `values[s][c]` (a 95% interval, say).
    public var intervals: [[(low: Double, high: Double)?]]?
    public var format: ValueFormat
    public var width: Double
    public var height: Double = 380

    public init(title: String, yLabel: String = "", categories: [String], series: [String], values: [[Double?]],
                format: ValueFormat = .number, width: Double? = nil, intervals: [[(low: Double, high: Double)?]]? = nil) {
        self.intervals = intervals
        self.title = title
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.values = values
        self.format = format
        // Wide enough that every bar keeps ≥ 14 px.
        self.width = width ?? max(520, 64 + 150 + Double(categories.count) * (Double(max(1, series.count)) * 18 + 24))
    }

    public var plotArea: (left: Double, top: Double, right: Double, bottom: Double) { (64, 40, width - 150, height - 70) }

    /// The value axis (data → y pixel); 0 is always in the domain, percentages top out at ≥ 100%.
    public var yAxis: ChartAxis {
        let a = plotArea
        var vs = values.flatMap { $0.compactMap { $0 } }
        vs += (intervals ?? []).flatMap { $0.compactMap { $0?.high } }
        if format == .percent { vs.append(1) }
        return ChartAxis(values: vs, includeZero: true, pixels: (a.bottom, a.top), targetTicks: 5)
    }

    func label(_ v: Double) -> String {
        format == .percent ? String(format: "%.0f%%", v * 100) : ChartAxis.label((v * 1000).rounded() / 1000)
    }

    // MARK: - Rendering

    public func svg() -> String {
        var doc = SVGDocument(width: width, height: height)
        let a = plotArea, ya = yAxis
        doc.text(title, x: width / 2, y: 22, anchor: "middle", size: 15, weight: "bold")
        for t in ya.ticks {
            let y = ya.pixel(t)
            doc.line(x1: a.left, y1: y, x2: a.right, y2: y, stroke: "#e0e0e0")
            doc.text(label(t), x: a.left - 6, y: y + 4, anchor: "end", size: 10)
        }
        if !yLabel.isEmpty { doc.text(yLabel, x: 16, y: (a.top + a.bottom) / 2, anchor: "middle", size: 12, rotate: -90) }
        let groupW = (a.right - a.left) / Double(max(1, categories.count))
        let barW = max(2, (groupW - 16) / Double(max(1, series.count)))
        let zero = ya.pixel(0)
        for (c, cat) in categories.enumerated() {
            let gx = a.left + Double(c) * groupW + 8
            for (s, name) in series.enumerated() {
                guard s < values.count, c < values[s].count, let v = values[s][c], v.isFinite else { continue }
                let x = gx + Double(s) * barW, y = ya.pixel(v)
                doc.rect(x: x + 1, y: min(y, zero), width: barW - 2, height: abs(zero - y), fill: SVGDocument.color(s),
                         attributes: [("class", "bar"), ("data-series", name), ("data-category", cat), ("data-value", "\(v)")])
                if let iv = intervals, s < iv.count, c < iv[s].count, let e = iv[s][c], e.low.isFinite, e.high.isFinite {
                    // The error bar: a vertical line with caps, over the bar's centre.
                    let cx = x + barW / 2, lo = ya.pixel(e.low), hi = ya.pixel(e.high), cap = min(4, barW / 3)
                    doc.line(x1: cx, y1: lo, x2: cx, y2: hi, stroke: "#222222")
                    doc.line(x1: cx - cap, y1: lo, x2: cx + cap, y2: lo, stroke: "#222222")
                    doc.line(x1: cx - cap, y1: hi, x2: cx + cap, y2: hi, stroke: "#222222")
                }
                if barW >= 14 {
                    doc.text(label(v), x: x + barW / 2, y: min(y, zero) - 3, anchor: "middle", size: 9,
                             attributes: [("class", "value")])
                }
            }
            let cx = gx + Double(series.count) * barW / 2
            doc.text(cat, x: cx, y: a.bottom + 14, anchor: categories.count > 6 ? "end" : "middle", size: 10,
                     rotate: categories.count > 6 ? -35 : nil)
        }
        doc.line(x1: a.left, y1: zero, x2: a.right, y2: zero, stroke: "#333333")
        doc.line(x1: a.left, y1: a.top, x2: a.left, y2: a.bottom, stroke: "#333333")
        for (s, name) in series.enumerated() {
            let ly = a.top + 8 + Double(s) * 18
            doc.rect(x: a.right + 14, y: ly - 8, width: 12, height: 10, fill: SVGDocument.color(s))
            doc.text(name, x: a.right + 32, y: ly + 1, size: 11, attributes: [("class", "legend")])
        }
        return doc.render()
    }

    /// Charts stacked top to bottom in one SVG (an overall panel above a per-CWE panel, say).
    public static func stacked(_ charts: [BarChart]) -> String {
        var doc = SVGDocument(width: charts.map(\.width).max() ?? 0, height: charts.reduce(0) { $0 + $1.height })
        var y = 0.0
        for c in charts { doc.embed(c.svg(), x: 0, y: y); y += c.height }
        return doc.render()
    }
}
