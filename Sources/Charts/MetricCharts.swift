// MetricCharts: one line chart per metric key from metrics.jsonl-style rows, or all of them as a grid.
import Foundation

/// Training-curve charts from `(step, {key: value})` rows (the shape of `MetricsLog.read`).
///
/// Plain arrays in, SVG strings out, so Charts stays free of Trainer.
///
/// ```swift
/// let rows = try MetricsLog.read(path).map { (step: $0.step, values: $0.values) }
/// for (key, svg) in MetricCharts.perKey(rows) { try svg.write(toFile: "\(dir)/\(key).svg", atomically: true, encoding: .utf8) }
/// try MetricCharts.grid(rows, title: "PPO").write(toFile: "\(dir)/metrics.svg", atomically: true, encoding: .utf8)
/// ```
public enum MetricCharts {
    public typealias Row = (step: Int, values: [String: Double])

    /// Every key that has at least one finite value, sorted.
    public static func keys(_ rows: [Row]) -> [String] {
        Set(rows.flatMap { $0.values.filter { $0.value.isFinite }.map(\.key) }).sorted()
    }

    /// The (step, value) points of one key, in row order (rows without the key are skipped).
    public static func points(_ rows: [Row], key: String) -> [(x: Double, y: Double)] {
        rows.compactMap { r in r.values[key].flatMap { $0.isFinite ? (Double(r.step), $0) : nil } }
    }

    /// One chart per key (or per requested key); the result maps key → SVG.
    public static func perKey(_ rows: [Row], keys wanted: [String]? = nil, xLabel: String = "step") -> [(key: String, svg: String)] {
        (wanted ?? keys(rows)).map { k in
            (k, LineChart(title: k, xLabel: xLabel, yLabel: "", series: [.init(name: "", points: points(rows, key: k))]).svg())
        }
    }

    /// Safe file name for a metric key (`reward/oracle` → `reward_oracle`).
    public static func fileName(_ key: String) -> String {
        String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }

    /// All keys as small multiples in one SVG, `columns` charts per row.
    public static func grid(_ rows: [Row], keys wanted: [String]? = nil, title: String = "", columns: Int = 3) -> String {
        let ks = wanted ?? keys(rows)
        let cw = 360.0, ch = 240.0, cols = max(1, min(columns, ks.count)), top = title.isEmpty ? 0.0 : 34
        let nRows = (ks.count + cols - 1) / cols
        var doc = SVGDocument(width: cw * Double(cols), height: top + ch * Double(max(1, nRows)))
        if !title.isEmpty { doc.text(title, x: cw * Double(cols) / 2, y: 24, anchor: "middle", size: 17, weight: "bold") }
        for (i, k) in ks.enumerated() {
            var c = LineChart(title: k, xLabel: "step", series: [.init(name: "", points: points(rows, key: k))])
            c.width = cw
            c.height = ch
            doc.embed(c.svg(), x: Double(i % cols) * cw, y: top + Double(i / cols) * ch)
        }
        return doc.render()
    }
}
