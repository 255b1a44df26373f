// LineChart: several named (x, y) series on shared axes, with ticks, gridlines, legend and title (training curves).
import Foundation

/// A line chart as a standalone SVG.
///
/// ```swift
/// let chart = LineChart(title: "loss", xLabel: "step", yLabel: "loss",
///                       series: [.init(name: "train", points: [(0, 2.1), (10, 1.4)])])
/// try chart.svg().write(toFile: "loss.svg", atomically: true, encoding: .utf8)
/// ```
/// Each point is also drawn as a `<circle class="point">` carrying `data-x`/`data-y`, so the
/// geometry can be checked (and the chart read) without a renderer. Non-finite y values break the line.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width: Double = 640
    public var height: Double = 400
    /// Point markers are skipped above this many points per series (long runs stay light).
    public var maxMarkers = 200

    public init(title: String, xLabel: String = "step", yLabel: String = "", series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The plot rectangle (left, top, right, bottom) in pixels; the legend sits to its right.
    public var plotArea: (left: Double, top: Double, right: Double, bottom: Double) {
        (64, 40, width - (series.count > 1 || !(series.first?.name.isEmpty ?? true) ? 150 : 20), height - 50)
    }

    /// The axes for the current data (exposed so tests and callers can map data to pixels).
    public var axes: (x: ChartAxis, y: ChartAxis) {
        let a = plotArea
        let pts = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        return (ChartAxis(values: pts.map(\.x), pixels: (a.left, a.right), targetTicks: 6),
                ChartAxis(values: pts.map(\.y), pixels: (a.bottom, a.top), targetTicks: 5))
    }

    // MARK: - Rendering

    public func svg() -> String {
        var doc = SVGDocument(width: width, height: height)
        let a = plotArea, (xa, ya) = axes
        doc.text(title, x: width / 2, y: 22, anchor: "middle", size: 15, weight: "bold")
        // Grid and ticks.
        for t in ya.ticks {
            let y = ya.pixel(t)
            doc.line(x1: a.left, y1: y, x2: a.right, y2: y, stroke: "#e0e0e0")
            doc.text(ChartAxis.label(t), x: a.left - 6, y: y + 4, anchor: "end", size: 10)
        }
        for t in xa.ticks {
            let x = xa.pixel(t)
            doc.line(x1: x, y1: a.bottom, x2: x, y2: a.bottom + 4, stroke: "#333333")
            doc.text(ChartAxis.label(t), x: x, y: a.bottom + 16, anchor: "middle", size: 10)
        }
        doc.line(x1: a.left, y1: a.bottom, x2: a.right, y2: a.bottom, stroke: "#333333")
        doc.line(x1: a.left, y1: a.top, x2: a.left, y2: a.bottom, stroke: "#333333")
        doc.text(xLabel, x: (a.left + a.right) / 2, y: height - 12, anchor: "middle", size: 12)
        if !yLabel.isEmpty { doc.text(yLabel, x: 16, y: (a.top + a.bottom) / 2, anchor: "middle", size: 12, rotate: -90) }
        // Series: a polyline per finite run, markers, and a legend entry.
        for (i, s) in series.enumerated() {
            let color = SVGDocument.color(i)
            var run: [(Double, Double)] = []
            func flush() {
                if run.count > 1 { doc.polyline(run, stroke: color, attributes: [("class", "series"), ("data-series", s.name)]) }
                run = []
            }
            for p in s.points {
                guard p.x.isFinite, p.y.isFinite else { flush(); continue }
                run.append((xa.pixel(p.x), ya.pixel(p.y)))
            }
            flush()
            if s.points.count <= maxMarkers {
                for p in s.points where p.x.isFinite && p.y.isFinite {
                    doc.circle(cx: xa.pixel(p.x), cy: ya.pixel(p.y), r: 2.5, fill: color,
                               attributes: [("class", "point"), ("data-series", s.name),
                                            ("data-x", ChartAxis.label(p.x)), ("data-y", "\(p.y)")])
                }
            }
            if a.right < width - 100 {
                let ly = a.top + 8 + Double(i) * 18
                doc.rect(x: a.right + 14, y: ly - 8, width: 12, height: 10, fill: color)
                doc.text(s.name, x: a.right + 32, y: ly + 1, size: 11, attributes: [("class", "legend")])
            }
        }
        if series.allSatisfy({ $0.points.isEmpty }) {
            doc.text("no data", x: (a.left + a.right) / 2, y: (a.top + a.bottom) / 2, anchor: "middle", size: 12)
        }
        return doc.render()
    }
}
