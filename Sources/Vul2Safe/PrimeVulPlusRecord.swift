// The PrimeVul+ record: one JSONL line per processed pair (schema documented in docs/VUL2SAFE.md).
import SRCodeData

/// The teacher's analysis of the vulnerability (step 1), as parsed from its reply.
public struct TeacherAnalysis: Codable, Sendable, Equatable {
    public var rootCause: String
    public var vulnerableLines: [Int]
    public var fixStrategy: String
    /// `false` when the reply had no parseable JSON and the text was kept as the root cause.
    public var parsed: Bool
    enum CodingKeys: String, CodingKey {
        case rootCause = "root_cause", vulnerableLines = "vulnerable_lines", fixStrategy = "fix_strategy", parsed
    }
}

/// One reflection round (step 3).
public struct ReflectionRound: Codable, Sendable, Equatable {
    public var round: Int
    /// `accept`, `revise` or `unknown` (unparseable reply).
    public var verdict: String
    public var rootCauseRemoved: Bool?
    public var behaviourPreserved: Bool?
    public var newIssues: [String]
    public var critique: String
    /// Whether this round replaced the repair with a revision.
    public var revised: Bool
    enum CodingKeys: String, CodingKey {
        case round, verdict, critique, revised
        case rootCauseRemoved = "root_cause_removed", behaviourPreserved = "behaviour_preserved", newIssues = "new_issues"
    }
}

/// A PrimeVul+ record. Accepted records form the dataset; rejected and failed ones keep their reasons.
public struct PrimeVulPlusRecord: Codable, Sendable, Equatable {
    public var schema = "primevul-plus/1"
    /// The source pair's id (`VulnerabilityPair.id`), the key back to the source dataset.
    public var id: String
    public var source: String
    public var project: String?
    public var commit: String?
    public var commitGroup: String
    public var cve: String?
    /// The primary CWE (first of `cwes`), and all of them.
    public var cwe: String?
    public var cwes: [String]
    public var language: Language
    public var functionName: String?
    public var fileName: String?
    /// `accepted`, `rejected` (a gate failed) or `failed` (no candidate could be evaluated).
    public var status: String
    /// `teacher`, `official-fallback` (the official fixed function passed the gates) or `none`.
    public var repairSource: String
    /// Built without a teacher (`--offline`): official fix as repair, offline prompts.
    public var offline: Bool
    public var prompts: [ImplicitPrompt]
    public var promptStats: PromptStats?
    public var secureCode: String?
    public var vulnerableCode: String
    /// Unicode-scalar `[start, end)` ranges in `secureCode` that realize the fix (added by the repair).
    public var secureSpans: [CharSpan]
    /// Ranges in `vulnerableCode` that the repair removed or replaced.
    public var vulnerableSpans: [CharSpan]
    public var secureLines: [LineRange]
    public var vulnerableLines: [LineRange]
    public var analysis: TeacherAnalysis?
    public var reflection: [ReflectionRound]
    /// Gate outcomes of the chosen repair (or of the last candidate tried, for rejected records).
    public var gates: GateReport?
    /// Gates of the teacher's repair when the official fallback replaced it.
    public var teacherGates: GateReport?
    public var confidence: Double
    /// Why the record is not accepted (empty for accepted records); teacher errors are noted even then.
    public var reasons: [String]
    /// Non-fatal events (a teacher error the official fallback recovered from, a prompt request that failed).
    public var notes: [String]
    public var teacherTokens: Int
    public var split: String

    enum CodingKeys: String, CodingKey {
        case schema, id, source, project, commit, cve, cwe, cwes, language, status, offline, prompts
        case commitGroup = "commit_group", functionName = "function_name", fileName = "file_name"
        case repairSource = "repair_source", promptStats = "prompt_stats"
        case secureCode = "secure_code", vulnerableCode = "vulnerable_code"
        case secureSpans = "secure_spans", vulnerableSpans = "vulnerable_spans"
        case secureLines = "secure_lines", vulnerableLines = "vulnerable_lines"
        case analysis, reflection, gates, confidence, reasons, notes
        case teacherGates = "teacher_gates", teacherTokens = "teacher_tokens", split
    }
}

/// What happened to the prompt candidates of one record.
public struct PromptStats: Codable, Sendable, Equatable {
    public var candidates: Int
    public var leaked: Int
    public var duplicates: Int
    public var offlineFill: Int
    public var diversity: NearDuplicate.Diversity
    enum CodingKeys: String, CodingKey {
        case candidates, leaked, duplicates, diversity
        case offlineFill = "offline_fill"
    }
}
