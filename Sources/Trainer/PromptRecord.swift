// The part of a PrimeVul+ record that RL needs: its implicit prompts and the reward reference.
import Foundation
import Rewards

/// One PrimeVul+ record as the RL loop sees it: its prompts and the reference its responses are rewarded against.
public struct PromptRecord: Sendable {
    public var id: String
    public var split: String
    public var language: String
    /// Implicit task descriptions (never mention security).
    public var prompts: [String]
    /// Secure and vulnerable code with their spans: the reward's repair patterns.
    public var reference: RewardReference

    /// Reads the usable records of `split` in `languages` from a PrimeVul+ JSONL file (through
    /// ``TrainingRecord``). Lines that do not decode are reported through `skip` (`file:line: reason`),
    /// or thrown when `strict`.
    public static func load(path: String, split: String, languages: [String], limit: Int? = nil, strict: Bool = false,
                            skip: (String) -> Void = { _ in }) throws -> [PromptRecord] {
        let rows = try TrainingRecord.read(path: path, splits: [split], strict: strict) { skip($0.description) }
        var out: [PromptRecord] = []
        for r in rows where languages.contains(r.language ?? "c") {
            if let limit, out.count >= limit { break }
            guard let secure = r.secureCode else { continue }
            out.append(PromptRecord(
                id: r.id, split: r.split, language: r.language ?? "c", prompts: r.prompts.map(\.text),
                reference: RewardReference(cwes: r.cwes, secureCode: secure, vulnerableCode: r.vulnerableCode,
                                           secureSpans: r.secureSpans, vulnerableSpans: r.vulnerableSpans)))
        }
        return out
    }
}
