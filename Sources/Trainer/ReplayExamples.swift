// Replay examples for SFT: the base model's own answers, mixed in so the fine-tune does not drift.
import Foundation
import SRCodeData

/// `data.replay` of an SFT recipe: a JSONL file of chat pairs, `{"prompt": …, "response": …}`, trained on
/// beside the PrimeVul+ examples with the response as the answer, verbatim (its prose and fences included).
///
/// Why: the proof's SFT stage, 24 examples of project code, drifted the model: it lost HumanEval points and
/// answered some "only return the code" requests with a bare number, and a smaller step only traded that
/// damage against the SFT's whole effect (docs/RESULTS.md, "Fixing the SFT stage"). Replaying the base
/// model's own answers to other prompts anchors its general behaviour (self-distillation replay) while the
/// PrimeVul+ examples teach the secure code. The responses should be the base model's, to prompts that are
/// neither benchmark prompts nor the RL prompts' records of other splits; `scripts/replay_data.py` turns
/// stored `srcode eval secure` samples into this format.
///
/// A pair marked `"cut": true` holds an answer the sampler cut at its token cap: it is trained as a prefix,
/// without an end-of-turn target, and cut further to `max_length` if needed. Why: the base model answers a
/// pattern task with 300–500 tokens of program and prose, which neither fits an SFT example of 512 tokens
/// nor samples cheaply; the prefix still anchors how the model begins and carries on an answer (code first,
/// in a fence), and without the end-of-turn target it teaches no stop mid-answer.
public struct ReplayPair: Codable, Sendable, Equatable {
    public var prompt: String
    public var response: String
    /// The answer was cut by the sampler's token cap (nil: it ended on its own).
    public var cut: Bool?
    public init(prompt: String, response: String, cut: Bool? = nil) { self.prompt = prompt; self.response = response; self.cut = cut }

    /// The pairs of a JSONL file, read like every project JSONL (`readJSONLRecords`): a bad line is a
    /// `DataError` naming file, line and reason, skipped and reported, or, with `strict`, thrown.
    public static func read(path: String, strict: Bool = false, skip: (DataError) -> Void = { _ in }) throws -> [ReplayPair] {
        var out: [ReplayPair] = []
        try readJSONLRecords(ReplayPair.self, path: path, what: "a replay pair {prompt, response}", strict: strict, skip: skip) { p, line in
            guard !p.prompt.isEmpty, !p.response.isEmpty else { throw DataError(file: path, line: line, reason: "empty prompt or response") }
            out.append(p)
            return true
        }
        return out
    }

    /// `replay` cycled or cut to `count` entries, in file order: how a fraction of the training examples is
    /// filled whatever the file's size.
    public static func fill(_ replay: [SFTExample], count: Int) -> [SFTExample] {
        guard !replay.isEmpty, count > 0 else { return [] }
        return (0..<count).map { replay[$0 % replay.count] }
    }

    /// Replay examples needed so that they are `fraction` of all training examples beside `train` others.
    public static func count(fraction: Double, beside train: Int) -> Int {
        guard fraction > 0, fraction < 1 else { return 0 }
        return Int((fraction / (1 - fraction) * Double(train)).rounded())
    }
}
