// ModelComparison: several models' reports side by side, as a markdown table and SVG grouped bars.
import Charts
import Foundation

/// Side-by-side view of ``EvalReport``s (one per model arm), from one run or from separate runs.
///
/// ```swift
/// let cmp = ModelComparison(reports: try dirs.map { try EvalReport.read(dir: $0) })
/// try cmp.write(to: "out")   // comparison.md + comparison.svg
/// ```
public struct ModelComparison: Sendable {
    public var reports: [EvalReport]

    public init(reports: [EvalReport]) { self.reports = reports }

    /// Every CWE any model was evaluated on, sorted.
    public var cwes: [String] { Set(reports.flatMap(\.perCWE.keys)).sorted() }

    /// Notes when the arms were not evaluated the same way (different data, split, k, seed or length).
    public var mismatches: [String] {
        guard let first = reports.first else { return [] }
        return reports.dropFirst().compactMap { r in
            var s = r.settings, f = first.settings
            s.batchSize = 0; f.batchSize = 0
            return s == f ? nil : "\(r.label) was evaluated with different settings than \(first.label) (data, split, samples, seed, sampling or max tokens)"
        }
    }

    // MARK: - Markdown

    public func markdown() -> String {
        let pct = EvalReport.pct
        var s = "# Secure-code evaluation: comparison\n\n"
        for m in mismatches { s += "> warning: \(m)\n" }
        if let f = reports.first?.settings {
            s += "Data `\(f.data)` split `\(f.split ?? "all")`, \(f.samplesPerPrompt) sample(s)/prompt, seed \(f.seed), temperature \(f.temperature), max \(f.maxTokens) tokens. "
        }
        s += "Vulnerable = at least one high or medium finding of the built-in oracle.\n\n## Overall\n\n"
        s += "| model | samples | vuln rate | vuln rate (with code) | compile rate | no-code rate | findings/sample | high+med/sample |\n|---|---|---|---|---|---|---|---|\n"
        for r in reports {
            let m = r.overall
            s += "| \(r.label) | \(m.samples) | \(pct(m.vulnerabilityRate)) | \(pct(m.vulnerabilityRateWithCode)) | \(pct(m.compileRate)) | \(pct(m.noCodeRate)) | "
                + String(format: "%.2f | %.2f |\n", m.findingsPerSample, m.highMediumFindingsPerSample)
        }
        for (title, value) in [("Vulnerability rate per CWE", { (m: EvalMetrics) in pct(m.vulnerabilityRate) }),
                               ("Compile rate per CWE", { (m: EvalMetrics) in pct(m.compileRate) }),
                               ("High+medium findings per sample, per CWE", { (m: EvalMetrics) in String(format: "%.2f", m.highMediumFindingsPerSample) })] {
            s += "\n## \(title)\n\n| CWE | samples | " + reports.map(\.label).joined(separator: " | ") + " |\n"
            s += "|---|---|" + String(repeating: "---|", count: reports.count) + "\n"
            for c in cwes {
                let n = reports.compactMap { $0.perCWE[c]?.samples }.max() ?? 0
                s += "| \(c) | \(n) | " + reports.map { $0.perCWE[c].map(value) ?? "–" }.joined(separator: " | ") + " |\n"
            }
        }
        return s
    }

    // MARK: - SVG

    /// Overall rates per model, then the per-CWE vulnerability rate, stacked in one SVG.
    public func svg() -> String {
        let labels = reports.map(\.label)
        let overall = BarChart(title: "Overall: vulnerability, compile and no-code rates", yLabel: "share of samples",
                               categories: ["vulnerability rate", "compile rate", "no-code rate"], series: labels,
                               values: reports.map { [$0.overall.vulnerabilityRate, $0.overall.compileRate, $0.overall.noCodeRate] },
                               format: .percent)
        let perCWE = BarChart(title: "Vulnerability rate per CWE", yLabel: "vulnerable samples",
                              categories: cwes, series: labels,
                              values: reports.map { r in cwes.map { r.perCWE[$0]?.vulnerabilityRate } }, format: .percent)
        return BarChart.stacked([overall, perCWE])
    }

    public func write(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try markdown().write(toFile: dir + "/comparison.md", atomically: true, encoding: .utf8)
        try svg().write(toFile: dir + "/comparison.svg", atomically: true, encoding: .utf8)
    }
}
