// The end-of-build report (summary.json and summary.txt).
import Foundation

/// Dataset-level results plus run costs. Everything above `run` depends only on the records, so it is
/// identical across resumed and uninterrupted builds; `run` holds this invocation's timings.
public struct BuildSummary: Codable, Sendable {
    public var input: String
    public var pairs: Int
    public var inputErrors: [String]
    public var accepted: Int
    public var rejected: Int
    public var failed: Int
    public var acceptRate: Double
    /// Final (non-accepted) records per failed gate.
    public var rejectedByGate: [String: Int]
    /// Teacher repairs rejected per failed gate (including those rescued by the official fallback).
    public var teacherRejectedByGate: [String: Int]
    public var repairSources: [String: Int]
    public var splits: [String: Int]
    public var meanConfidence: Double
    public var prompts: Int
    public var promptsLeaked: Int
    public var promptsDuplicates: Int
    public var promptsOfflineFill: Int
    public var promptDiversity: NearDuplicate.Diversity
    public var run: RunCost

    public struct RunCost: Codable, Sendable {
        public var resumedRecords: Int
        public var processedRecords: Int
        public var wallSeconds: Double
        public var teacherBusySeconds: Double
        /// (wall − teacher busy) / wall: the pipeline's own share of the wall time.
        public var overheadShare: Double
        public var recordsPerMinute: Double
        public var teacher: TeacherMeter.Snapshot?
        enum CodingKeys: String, CodingKey {
            case resumedRecords = "resumed_records", processedRecords = "processed_records", wallSeconds = "wall_seconds"
            case teacherBusySeconds = "teacher_busy_seconds", overheadShare = "overhead_share"
            case recordsPerMinute = "records_per_minute", teacher
        }
    }

    enum CodingKeys: String, CodingKey {
        case input, pairs, accepted, rejected, failed, splits, prompts, run
        case inputErrors = "input_errors", acceptRate = "accept_rate", rejectedByGate = "rejected_by_gate"
        case teacherRejectedByGate = "teacher_rejected_by_gate", repairSources = "repair_sources"
        case meanConfidence = "mean_confidence", promptsLeaked = "prompts_leaked"
        case promptsDuplicates = "prompts_duplicates", promptsOfflineFill = "prompts_offline_fill"
        case promptDiversity = "prompt_diversity"
    }

    /// The human-readable report printed at the end and saved as summary.txt.
    public var text: String {
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        var lines = [
            "Vul2Safe build: \(input)",
            "  pairs \(pairs)  accepted \(accepted) (\(pct(acceptRate)))  rejected \(rejected)  failed \(failed)  input errors \(inputErrors.count)",
            "  repair sources: " + repairSources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "  rejected by gate: " + GateReport.names.map { "\($0) \(rejectedByGate[$0] ?? 0)" }.joined(separator: ", "),
            "  teacher repairs rejected by gate: " + GateReport.names.map { "\($0) \(teacherRejectedByGate[$0] ?? 0)" }.joined(separator: ", "),
            "  splits: " + splits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            String(format: "  mean confidence %.3f", meanConfidence),
            "  prompts \(prompts) (leaked \(promptsLeaked), near-dup \(promptsDuplicates), offline fill \(promptsOfflineFill)); "
                + String(format: "distinct-1 %.3f distinct-2 %.3f distinct-3 %.3f, mean pairwise Jaccard %.3f",
                         promptDiversity.distinct1, promptDiversity.distinct2, promptDiversity.distinct3, promptDiversity.meanPairwiseJaccard),
            String(format: "  run: %d processed, %d resumed, wall %.1fs, teacher busy %.1fs, overhead %@, %.2f records/min",
                   run.processedRecords, run.resumedRecords, run.wallSeconds, run.teacherBusySeconds, pct(run.overheadShare), run.recordsPerMinute),
        ]
        if let t = run.teacher {
            lines.append("  teacher: \(t.requests) requests, \(t.cacheHits) cache hits, \(t.retries) retries, \(t.failures) failures, \(t.promptTokens)+\(t.completionTokens) tokens")
        }
        for e in inputErrors.prefix(10) { lines.append("  input error: \(e)") }
        return lines.joined(separator: "\n")
    }
}
