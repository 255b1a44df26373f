// BenchmarkComparison: several models on one benchmark: rates with intervals, paired tests, SVG bars with error bars.
import Charts
import Foundation

/// Models evaluated on the same benchmark prompts, compared pairwise.
///
/// Paired tests use only the samples both models have (same prompt, same sample index) and both were
/// judged on, so a resumed or partial arm is compared on what it shares with the other.
public struct BenchmarkComparison: Sendable {
    public struct Arm: Sendable {
        public var report: BenchmarkReport
        public var judged: JudgedSamples
        public init(report: BenchmarkReport, judged: JudgedSamples) { self.report = report; self.judged = judged }
    }

    /// One pairwise test: `b` against `a` under one judge (difference = rate(b) − rate(a)).
    public struct PairRow: Codable, Sendable {
        public var judge: Judge
        public var a: String
        public var b: String
        public var test: Statistics.Paired
    }

    public var arms: [Arm]
    public init(arms: [Arm]) { self.arms = arms }

    public var pairs: [PairRow] {
        var out: [PairRow] = []
        for j in Judge.allCases {
            for x in arms.indices {
                for y in arms.indices where y > x {
                    let ga = arms[x].judged.groups(j), gb = arms[y].judged.groups(j)
                    var fa: [[Bool]] = [], fb: [[Bool]] = []
                    for k in Set(ga.keys).intersection(gb.keys).sorted() {
                        let idx = Set(ga[k]!.keys).intersection(gb[k]!.keys).sorted()
                        if idx.isEmpty { continue }
                        fa.append(idx.map { ga[k]![$0]! }); fb.append(idx.map { gb[k]![$0]! })
                    }
                    if fa.isEmpty { continue }
                    out.append(PairRow(judge: j, a: arms[x].report.label, b: arms[y].report.label, test: Statistics.paired(fa, fb)))
                }
            }
        }
        return out
    }

    public func markdown() -> String {
        let ci = BenchmarkReport.ci
        let first = arms.first?.report
        var s = "# \(first?.benchmark ?? "benchmark"): comparison\n\n"
        if let f = first?.settings {
            s += "Data `\(f.data)`, \(f.samplesPerPrompt) sample(s)/prompt, seed \(f.seed), temperature \(f.temperature), max \(f.maxTokens) tokens. "
        }
        s += "Intervals: 95% prompt-level bootstrap. Paired tests on the samples both arms share.\n\n"
        s += "| model | samples | insecure (builtin) | insecure (icd) | compile rate | truncated | BLEU |\n|---|---|---|---|---|---|---|\n"
        for a in arms {
            let r = a.report
            s += "| \(r.label) | \(r.samples) | \(ci(r.summary(.builtin)?.overall)) | \(ci(r.summary(.icd)?.overall)) | \(ci(r.compileRate)) | "
            s += String(format: "%.1f%% | ", r.truncatedRate * 100) + (r.bleu.map { String(format: "%.2f", $0) } ?? "n/a") + " |\n"
        }
        let ps = pairs
        if !ps.isEmpty {
            s += "\n## Paired tests (difference = B − A)\n\n| judge | A | B | difference [95% CI] | paired bootstrap p | McNemar p (only A / only B) |\n|---|---|---|---|---|---|\n"
            for p in ps {
                s += "| \(p.judge.rawValue) | \(p.a) | \(p.b) | " + String(format: "%+.1f pts [%+.1f, %+.1f] | %.4f | %.4f (%d / %d) |\n",
                    p.test.difference * 100, p.test.low * 100, p.test.high * 100, p.test.bootstrapP, p.test.mcnemarP, p.test.onlyA, p.test.onlyB)
            }
        }
        let cwes = Set(arms.flatMap { $0.report.judges.flatMap(\.perCWE.keys) }).sorted()
        for j in Judge.allCases where arms.contains(where: { $0.report.summary(j) != nil }) {
            s += "\n## Insecure rate per CWE (\(j.rawValue))\n\n| CWE | " + arms.map(\.report.label).joined(separator: " | ") + " |\n|---|"
            s += String(repeating: "---|", count: arms.count) + "\n"
            for c in cwes { s += "| \(c) | " + arms.map { ci($0.report.summary(j)?.perCWE[c]) }.joined(separator: " | ") + " |\n" }
        }
        return s
    }

    /// Overall insecure rates per judge with error bars, then the per-CWE ICD (else builtin) rates.
    public func svg() -> String {
        let labels = arms.map(\.report.label)
        let judges = Judge.allCases.filter { j in arms.contains { $0.report.summary(j) != nil } }
        let overall = BarChart(
            title: "Insecure rate by judge (95% intervals)", yLabel: "insecure samples",
            categories: judges.map { "insecure (\($0.rawValue))" }, series: labels,
            values: arms.map { a in judges.map { a.report.summary($0)?.overall.rate } }, format: .percent,
            intervals: arms.map { a in judges.map { j in a.report.summary(j).map { (low: $0.overall.low, high: $0.overall.high) } } })
        let j = judges.contains(.icd) ? Judge.icd : .builtin
        let cwes = Set(arms.flatMap { $0.report.summary(j)?.perCWE.keys.map { $0 } ?? [] }).sorted()
        let perCWE = BarChart(
            title: "Insecure rate per CWE (\(j.rawValue))", yLabel: "insecure samples", categories: cwes, series: labels,
            values: arms.map { a in cwes.map { a.report.summary(j)?.perCWE[$0]?.rate } }, format: .percent,
            intervals: arms.map { a in cwes.map { c in a.report.summary(j)?.perCWE[c].map { (low: $0.low, high: $0.high) } } })
        return BarChart.stacked([overall, perCWE])
    }

    public func write(to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try markdown().write(toFile: dir + "/comparison.md", atomically: true, encoding: .utf8)
        try svg().write(toFile: dir + "/comparison.svg", atomically: true, encoding: .utf8)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try e.encode(pairs).write(to: URL(fileURLWithPath: dir + "/paired.json"), options: .atomic)
    }
}
