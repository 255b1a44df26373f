// Rollouts end at the closing fence of their first code block, and the truncated share is logged.
import Foundation
import Testing
@testable import LM
@testable import ModelIO
@testable import Rewards
import Tensor
@testable import Trainer

/// Feeds `text` to a fresh state in pieces of `n` bytes; returns the byte count consumed when it stopped.
func stopOffset(_ text: String, pieces n: Int) -> Int? {
    var s = StopRule.endOfFirstCodeBlock.makeState()
    let b = Array(text.utf8)
    for i in stride(from: 0, to: b.count, by: n) {
        let piece = Array(b[i..<min(i + n, b.count)])
        if s.feed(piece) { return min(i + n, b.count) }
    }
    return nil
}

@Suite struct StopRuleTests {
    @Test func stopsAtTheClosingFenceOfTheFirstBlockOnly() {
        let answer = "Sure:\n```c\nint f(void) {\n    return 1; // a ``` in a comment\n}\n```\nThis returns 1.\n```c\nint g;\n```\n"
        let closing = answer.range(of: "}\n```")!.upperBound
        let want = answer.utf8.distance(from: answer.startIndex, to: closing)
        // Whatever the tokenization, it stops within the token that completes the closing fence.
        for n in [1, 2, 3, 5, 8] {
            let got = stopOffset(answer, pieces: n)
            #expect(got != nil && got! >= want && got! < want + n, "pieces of \(n): stopped at \(String(describing: got)), fence ends at \(want)")
        }
        #expect(stopOffset("```c\nint f(void) {\n    return 1;\n}\n  ```", pieces: 4) != nil)  // an indented closing fence
        #expect(stopOffset("```c\nint f(void) { return 1; }", pieces: 4) == nil)             // never closed
        #expect(stopOffset("int f(void) { return 1; }\n", pieces: 1) == nil)                  // no fence at all
    }

    /// An answer prefix that opens the block (EvalPlus's prompt) makes the first fence the model writes the closing one.
    @Test func aPrefixThatOpensTheBlockCounts() {
        var s = StopRule.endOfFirstCodeBlock.makeState(after: "Below is a script:\n```python\n")
        let body = s.feed(Array("def f():\n    return 1\n".utf8)), fence = s.feed(Array("```".utf8))
        #expect(!body && fence)
        var plain = StopRule.endOfFirstCodeBlock.makeState(after: "Here you go.\n")
        let opened = plain.feed(Array("```python\n".utf8))
        #expect(!opened)
    }

    /// A tokenizer whose every ordinary token spells `<letters>\n```\n`: any two sampled tokens close a block.
    static func fenceTokenizer() throws -> Tokenizer {
        var vocab: [String: Int] = [:]
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for i in 0..<256 {
            let name = String(letters[i % 26]) + String(letters[i / 26])
            vocab[ByteLevel.encode(Array((name + "\n```\n").utf8))] = i
        }
        return try TinyRL.tokenizer(vocab: vocab)
    }

    @Test func generationStopsAtTheRuleAndReportsLengthOtherwise() throws {
        var rng = SeededRNG(seed: 11)
        let model = try LlamaModel(config: TinyRL.config, rng: &rng)
        let tok = try Self.fenceTokenizer()
        let prompts: [[Int32]] = [[256, 5, 6], [256, 7]]
        let params = SamplingParams(temperature: 1, maxTokens: 10, seed: 3)
        // Stop tokens that never come up: only the rule or the length ends a row.
        let ruled = try model.generate(prompts: prompts, params: params, stopTokens: [257], tokenizer: tok, stopRule: .endOfFirstCodeBlock)
        let plain = try model.generate(prompts: prompts, params: params, stopTokens: [257], tokenizer: tok)
        for (r, p) in zip(ruled, plain) {
            guard !r.tokens.contains(257) && !p.tokens.contains(257) else { continue }
            #expect(r.tokens.count == 2 && r.finishReason == .stop, "\(r.tokens)")
            #expect(p.tokens.count == 10 && p.finishReason == .length)
            #expect(Array(p.tokens.prefix(2)) == r.tokens)  // the rule cuts, it does not change the draws
        }
    }

    /// The RL loop marks rollouts that hit `max_new_tokens` and logs their share.
    @Test func truncatedShareIsLogged() throws {
        let rows: [ScoredSample] = [true, false, false, true].map { cut in
            ScoredSample(recordID: "r", prompt: "p", rollout: Rollout(promptTokens: [1], responseTokens: [2], rewards: [0], group: 0),
                         text: "", reward: TokenRewards(perToken: [0], outcome: 0, parts: [:], findings: [], vulnerable: false,
                                                         compiles: nil, hasCode: false),
                         truncated: cut)
        }
        #expect(RLTrainer.rolloutMetrics(rows)["truncated_rate"] == 0.5)
    }
}
