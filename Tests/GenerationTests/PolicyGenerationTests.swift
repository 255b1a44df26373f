// Batched F32 sampling from the training model: left padding is invisible, and it agrees with the decoder.
import Foundation
@testable import LM
import ModelIO
import Tensor
import Testing

@Suite struct PolicyGenerationTests {
    @Test func batchedEqualsOneByOneAndMatchesTheDecoder() throws {
        let (m, inf) = try TinyGen.pair(qwen: true)
        var rng = SeededRNG(seed: 2)
        try m.addLoRA(LoRAConfig(rank: 2, alpha: 4, targets: ["q_proj", "v_proj"]), rng: &rng)
        for (_, t) in m.trainableParameters() { for i in 0..<t.count { t.data[i] += 0.05 * rng.normal() } }
        let prompts: [[Int32]] = [[1, 2, 3], [7], [4, 4, 9, 10, 11, 12, 13]]
        let params = SamplingParams(temperature: 0.9, topP: 0.9, topK: 20, maxTokens: 10, seed: 42)
        let batched = try m.generate(prompts: prompts, params: params, stopTokens: [])
        for (i, p) in prompts.enumerated() {
            var solo = params
            solo.seed = params.seed + UInt64(i)
            let one = try m.generate(prompts: [p], params: solo, stopTokens: [])[0]
            #expect(one.tokens == batched[i].tokens)
            #expect(zip(one.logprobs, batched[i].logprobs).allSatisfy { abs($0 - $1) < 1e-4 })
        }
        // Greedy: the same tokens as the quantized decoder with the adapter merged.
        let greedy = try m.generate(prompts: prompts, params: .greedy(maxTokens: 8), stopTokens: [])
        let gen = Generator(model: try inf.adapted(from: m), tokenizer: try TinyGen.tokenizer())
        gen.stopTokens = []
        let reference = try gen.generate(prompts: prompts, params: .greedy(maxTokens: 8))
        #expect(greedy.map(\.tokens) == reference.map(\.tokens))
        // A stop token ends its row only.
        let stop = greedy[0].tokens[2]
        let stopped = try m.generate(prompts: prompts, params: .greedy(maxTokens: 8), stopTokens: [stop])
        #expect(stopped[0].tokens == Array(greedy[0].tokens.prefix(through: greedy[0].tokens.firstIndex(of: stop)!)))
        #expect(stopped[0].finishReason == .stop)
    }

    /// Rows that finish leave the batch (``KVCache/keepRows(_:)``): the rows still open draw exactly what
    /// they would alone, whichever rows ended before them.
    @Test func rowsThatStopLeaveTheBatchWithoutChangingTheOthers() throws {
        let (m, _) = try TinyGen.pair(qwen: true)
        let prompts: [[Int32]] = [[1, 2, 3], [7], [4, 4, 9, 10, 11, 12, 13], [5, 6], [8, 8, 8], [3]]
        let params = SamplingParams(temperature: 1.0, maxTokens: 24, seed: 9)
        let free = try m.generate(prompts: prompts, params: params, stopTokens: [])
        // Stop on tokens that end some rows early and at different steps, and leave others to the limit.
        let stops: Set<Int32> = [free[1].tokens[1], free[3].tokens[5], free[4].tokens[9]]
        let batched = try m.generate(prompts: prompts, params: params, stopTokens: stops, values: true)
        let lengths = Set(batched.map(\.tokens.count))
        #expect(lengths.count >= 3 && batched.contains { $0.finishReason == .stop } && batched.contains { $0.finishReason == .length })
        for (i, p) in prompts.enumerated() {
            var solo = params
            solo.seed = params.seed + UInt64(i)
            let one = try m.generate(prompts: [p], params: solo, stopTokens: stops, values: true)[0]
            #expect(one.tokens == batched[i].tokens, "row \(i)")
            #expect(one.finishReason == batched[i].finishReason)
            #expect(zip(one.logprobs, batched[i].logprobs).allSatisfy { abs($0 - $1) < 1e-4 })
            #expect(zip(one.values, batched[i].values).allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }
}
