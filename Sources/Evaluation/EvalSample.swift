// EvalSample: one generated answer with its extracted code, oracle findings and compile verdict (a samples.jsonl line).
import Foundation
import SecurityOracle

/// A finding as stored per sample: enough to recount metrics and to locate the flaw in `code`.
public struct SampleFinding: Codable, Sendable, Equatable {
    public var ruleID: String
    public var cwe: String
    public var severity: Severity
    /// Byte range `[start, end)` in the sample's `code`, with 1-based lines.
    public var start: Int
    public var end: Int
    public var line: Int
    public var endLine: Int

    public init(_ f: Finding) {
        ruleID = f.ruleID
        cwe = f.cwe
        severity = f.severity
        start = f.span.start.offset
        end = f.span.end.offset
        line = f.span.start.line
        endLine = f.span.end.line
    }

    enum CodingKeys: String, CodingKey { case ruleID = "rule_id", cwe, severity, start, end, line, endLine = "end_line" }

    /// Counts toward the vulnerability rate (high or medium severity).
    public var isHighOrMedium: Bool { severity >= .medium }
}

/// One sample. Its key is (record, prompt index, sample index); the run appends whole prompts at a time.
public struct EvalSample: Codable, Sendable, Equatable {
    public var recordID: String
    public var promptIndex: Int
    public var sampleIndex: Int
    /// The record's CWE (metrics group), not the CWE of any finding.
    public var cwe: String
    public var prompt: String
    public var text: String
    public var code: String
    /// `false` when the response held no recognizable code.
    public var hasCode: Bool
    public var findings: [SampleFinding]
    /// `nil` when the compile check could not run (no clang); no-code samples are `false`.
    public var compiles: Bool?
    public var compileErrors: [String]
    public var tokens: Int
    public var finishReason: String

    enum CodingKeys: String, CodingKey {
        case recordID = "record_id", promptIndex = "prompt_index", sampleIndex = "sample_index", cwe, prompt, text, code
        case hasCode = "has_code", findings, compiles, compileErrors = "compile_errors", tokens, finishReason = "finish_reason"
    }

    public var isVulnerable: Bool { findings.contains(where: \.isHighOrMedium) }
}

extension EvalSample {
    /// Decodes a stored sample; `prompt` may be absent. Why: samples that are committed (the proof run's
    /// state, docs/RESULTS.md) leave out the benchmark's prompt text, which is the benchmark's to publish, not
    /// ours; a resumed run needs only the sample's key (record, prompt index, sample index).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        recordID = try c.decode(String.self, forKey: .recordID)
        promptIndex = try c.decode(Int.self, forKey: .promptIndex)
        sampleIndex = try c.decode(Int.self, forKey: .sampleIndex)
        cwe = try c.decode(String.self, forKey: .cwe)
        prompt = try c.decodeIfPresent(String.self, forKey: .prompt) ?? ""
        text = try c.decode(String.self, forKey: .text)
        code = try c.decode(String.self, forKey: .code)
        hasCode = try c.decode(Bool.self, forKey: .hasCode)
        findings = try c.decode([SampleFinding].self, forKey: .findings)
        compiles = try c.decodeIfPresent(Bool.self, forKey: .compiles)
        compileErrors = try c.decode([String].self, forKey: .compileErrors)
        tokens = try c.decode(Int.self, forKey: .tokens)
        finishReason = try c.decode(String.self, forKey: .finishReason)
    }
}
