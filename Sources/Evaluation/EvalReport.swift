// EvalReport: one model's evaluation (settings, overall and per-CWE metrics) as report.json and report.md.
import Foundation
import SRCodeData

/// What was evaluated and how; written to `report.json`, read back by `srcode eval compare`.
public struct EvalReport: Codable, Sendable {
    public struct Settings: Codable, Sendable, Equatable {
        public var data: String
        public var split: String?
        public var samplesPerPrompt: Int
        public var promptsPerRecord: Int?
        public var seed: UInt64
        public var temperature: Float
        public var topP: Float
        public var maxTokens: Int
        public var batchSize: Int
        public var compileCheck: Bool
        /// Record languages kept (`nil` = all).
        public var languages: [String]?
        public init(data: String, split: String?, samplesPerPrompt: Int, promptsPerRecord: Int?, seed: UInt64,
                    temperature: Float, topP: Float, maxTokens: Int, batchSize: Int, compileCheck: Bool,
                    languages: [String]? = ["c", "cpp"]) {
            self.languages = languages
            self.data = data; self.split = split; self.samplesPerPrompt = samplesPerPrompt
            self.promptsPerRecord = promptsPerRecord; self.seed = seed; self.temperature = temperature
            self.topP = topP; self.maxTokens = maxTokens; self.batchSize = batchSize; self.compileCheck = compileCheck
        }
        enum CodingKeys: String, CodingKey {
            case data, split, seed, temperature, languages
            case samplesPerPrompt = "samples_per_prompt", promptsPerRecord = "prompts_per_record", topP = "top_p"
            case maxTokens = "max_tokens", batchSize = "batch_size", compileCheck = "compile_check"
        }
    }

    public var schema = "srcode-eval-secure/1"
    public var label: String
    public var model: String
    public var adapter: String?
    public var settings: Settings
    public var overall: EvalMetrics
    public var perCWE: [String: EvalMetrics]
    /// The overall vulnerability rate with its 95% interval, by the prompt-level bootstrap every other
    /// report uses (``Statistics/rate(_:seed:)``): a prompt's samples are one cluster. `nil` in reports
    /// written before it existed.
    public var vulnerabilityInterval: RateInterval?
    public var skippedLines: [SkippedLine]
    /// Generation throughput of this process's work (resumed samples excluded); `nil` when nothing was generated.
    public var samplesPerMinute: Double?

    public init(label: String, model: String, adapter: String?, settings: Settings, samples: [EvalSample],
                skippedLines: [SkippedLine], samplesPerMinute: Double?) {
        self.label = label
        self.model = model
        self.adapter = adapter
        self.settings = settings
        (overall, perCWE) = EvalMetrics.breakdown(samples)
        vulnerabilityInterval = samples.isEmpty ? nil : Statistics.rate(byPrompt: Self.promptGroups(samples))
        self.skippedLines = skippedLines
        self.samplesPerMinute = samplesPerMinute
    }

    enum CodingKeys: String, CodingKey {
        case schema, label, model, adapter, settings, overall
        case perCWE = "per_cwe", vulnerabilityInterval = "vulnerability_interval", skippedLines = "skipped_lines", samplesPerMinute = "samples_per_minute"
    }

    /// Each prompt's sample flags (vulnerable or not), keyed as the benchmark reports key them.
    static func promptGroups(_ samples: [EvalSample]) -> [String: [Int: Bool]] {
        var out: [String: [Int: Bool]] = [:]
        for s in samples { out[SampleStore.key(s.recordID, s.promptIndex), default: [:]][s.sampleIndex] = s.isVulnerable }
        return out
    }

    // MARK: - Files

    public func write(to dir: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try e.encode(self).write(to: URL(fileURLWithPath: dir + "/report.json"), options: .atomic)
        try markdown().write(toFile: dir + "/report.md", atomically: true, encoding: .utf8)
    }

    public static func read(dir: String) throws -> EvalReport {
        let path = dir.hasSuffix(".json") ? dir : dir + "/report.json"
        guard let d = FileManager.default.contents(atPath: path) else { throw EvalError.unreadable(path, "no such file") }
        do { return try JSONDecoder().decode(EvalReport.self, from: d) } catch {
            throw EvalError.unreadable(path, DataError.reason(for: error))
        }
    }

    static func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }

    static let header = "| group | records | prompts | samples | vuln rate | vuln rate (with code) | compile rate | no-code rate | findings/sample | high+med/sample |"

    static func row(_ name: String, _ m: EvalMetrics) -> String {
        "| \(name) | \(m.records) | \(m.prompts) | \(m.samples) | \(pct(m.vulnerabilityRate)) | \(pct(m.vulnerabilityRateWithCode)) | \(pct(m.compileRate)) | \(pct(m.noCodeRate)) | "
            + String(format: "%.2f | %.2f |", m.findingsPerSample, m.highMediumFindingsPerSample)
    }

    public func markdown() -> String {
        var s = "# Secure-code evaluation: \(label)\n\n"
        s += "- model: `\(model)`" + (adapter.map { " + adapter `\($0)`" } ?? "") + "\n"
        s += "- data: `\(settings.data)` split `\(settings.split ?? "all")`; \(settings.samplesPerPrompt) sample(s) per prompt"
        s += settings.promptsPerRecord.map { ", first \($0) prompt(s) per record" } ?? ", all prompts"
        s += String(format: "; seed %llu, temperature %.2f, top-p %.2f, max %d tokens\n", settings.seed, settings.temperature, settings.topP, settings.maxTokens)
        if let r = samplesPerMinute { s += String(format: "- throughput: %.1f samples/min (batch %d)\n", r, settings.batchSize) }
        s += "- vulnerable = at least one high or medium finding of the built-in oracle; compile = clang -fsyntax-only in the stub prelude\n"
        if let v = vulnerabilityInterval {
            s += String(format: "- vulnerability rate %.1f%% (%d/%d), 95%% interval %.1f–%.1f%% (prompt-level bootstrap)\n",
                        v.rate * 100, v.count, v.total, v.low * 100, v.high * 100)
        }
        s += "\n"
        s += Self.header + "\n" + String(repeating: "|---", count: 10) + "|\n"
        s += Self.row("**overall**", overall) + "\n"
        for k in perCWE.keys.sorted() { s += Self.row(k, perCWE[k]!) + "\n" }
        if !skippedLines.isEmpty {
            s += "\n## Skipped data lines (\(skippedLines.count))\n\n"
            for l in skippedLines.prefix(50) { s += "- \(l)\n" }
        }
        return s
    }
}
