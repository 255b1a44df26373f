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
}
