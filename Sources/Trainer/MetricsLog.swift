// MetricsLog: one JSON object per step in metrics.jsonl, made consistent with the checkpoint on resume.
import Charts
import Foundation

/// Append-only JSONL of per-step metrics (`{"step": 3, "loss": 1.25, …}`).
///
/// Why truncate on open: after `kill -9`, the log may hold steps newer than the last checkpoint.
/// Resuming replays those steps, so the log first drops every line with `step > resumedStep`
/// (and any torn last line): each step then appears exactly once.
public final class MetricsLog {
    public let url: URL
    private let handle: FileHandle

    /// Opens (creating) the log and keeps only lines with `step <= keepThrough`.
    public init(url: URL, keepThrough: Int) throws {
        self.url = url
        let fm = FileManager.default
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var kept = Data()
        if let old = fm.contents(atPath: url.path) {
            for line in old.split(separator: UInt8(ascii: "\n")) {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                      let step = (o["step"] as? NSNumber)?.intValue, step <= keepThrough else { continue }
                kept.append(contentsOf: line)
                kept.append(UInt8(ascii: "\n"))
            }
        }
        try kept.write(to: url, options: .atomic)
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Appends one step's metrics (keys sorted, so lines diff cleanly) and flushes to disk.
    public func append(step: Int, _ metrics: [String: Double]) throws {
        try appendObject(step: step, metrics)
    }

    /// Appends one JSON object (JSON values only: strings, numbers, booleans, NSNull, arrays, dictionaries)
    /// tagged with `step`.
    public func appendObject(step: Int, _ object: [String: Any]) throws {
        var o = object.mapValues { v -> Any in (v as? Double).map { $0.isFinite ? $0 as Any : NSNull() } ?? v }
        o["step"] = step
        var line = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
        line.append(UInt8(ascii: "\n"))
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }

    /// Redraws the curves next to the log (`metrics.jsonl` → `metrics.svg`), one small chart per key.
    public func plot(keys: [String]? = nil, title: String) throws {
        let svg = MetricCharts.grid(Self.read(url), keys: keys, title: title)
        try Data(svg.utf8).write(to: url.deletingPathExtension().appendingPathExtension("svg"), options: .atomic)
    }

    /// Every logged row, in order (for plots and reports).
    public static func read(_ url: URL) -> [(step: Int, values: [String: Double])] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let step = (o["step"] as? NSNumber)?.intValue else { return nil }
            var values: [String: Double] = [:]
            for (k, v) in o where k != "step" { if let n = v as? NSNumber { values[k] = n.doubleValue } }
            return (step, values)
        }
    }
}
