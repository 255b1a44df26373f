// A PPO step on a toy task must increase the rewarded behaviour, for both algorithms.
import Foundation
import Testing
import LM
import Tensor
@testable import Trainer

/// Toy task: after prompt [1, 2], answer with one token; reward 1 for token 5, else 0.
func tinyModel(seed: UInt64) throws -> LlamaModel {
    var rng = SeededRNG(seed: seed)
    let config = LlamaConfig(modelType: "qwen2", hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1,
                             intermediateSize: 32, vocabSize: 12, attentionBias: true)
    return try LlamaModel(config: config, rng: &rng)
}

func probability(of token: Int, model: LlamaModel, prompt: [Int32]) throws -> Float {
    try withNoGrad {
        let h = try model.hiddenStates(tokens: prompt, batch: 1)
        let logits = try model.logits(hidden: h).values
        let V = model.config.vocabSize
        let last = Array(logits[(logits.count - V)...])
        let m = last.max()!
        let e = last.map { Foundation.exp($0 - m) }
        return e[token] / e.reduce(0, +)
    }
}

func sampleRollouts(model: LlamaModel, prompt: [Int32], count: Int, rng: inout SeededRNG) throws -> [Rollout] {
    var out: [Rollout] = []
    let V = model.config.vocabSize
    let probs = try (0..<V).map { try probability(of: $0, model: model, prompt: prompt) }
    for i in 0..<count {
        let u = Float(rng.next() >> 40) / Float(1 << 24)
        var acc: Float = 0, token = V - 1
        for (t, p) in probs.enumerated() { acc += p; if u < acc { token = t; break } }
        out.append(Rollout(promptTokens: prompt, responseTokens: [Int32(token)], rewards: [token == 5 ? 1 : 0], group: i / 4))
    }
    return out
}

@Test(arguments: [PPOConfig.Algorithm.ppo, .grpo])
func ppoStepIncreasesTheRewardedBehaviour(algorithm: PPOConfig.Algorithm) throws {
    let model = try tinyModel(seed: 1)
    let reference = try tinyModel(seed: 1)
    var config = PPOConfig()
    config.algorithm = algorithm
    config.learningRate = 0.02
    config.miniBatchSize = 8
    config.epochs = 2
    let updater = PPOUpdater(model: model, reference: reference, config: config)
    let prompt: [Int32] = [1, 2]
    let before = try probability(of: 5, model: model, prompt: prompt)
    var rng = SeededRNG(seed: 7)
    for _ in 0..<15 {
        var rollouts = try sampleRollouts(model: model, prompt: prompt, count: 16, rng: &rng)
        _ = try updater.step(&rollouts)
    }
    let after = try probability(of: 5, model: model, prompt: prompt)
    #expect(after > before + 0.2, "p(5) \(before) → \(after)")
}

@Test func packedBatchAlignsResponseTargetsWithTheirPredictingPositions() {
    let a = Rollout(promptTokens: [1, 2, 3], responseTokens: [7, 8], rewards: [0, 0], group: 0)
    let b = Rollout(promptTokens: [4], responseTokens: [9], rewards: [0], group: 0)
    let p = PackedBatch([a, b])
    #expect(p.time == 5 && p.batch == 2)
    #expect(p.tokens == [1, 2, 3, 7, 8, 4, 9, 0, 0, 0])
    #expect(p.targets == [-100, -100, 7, 8, -100, 9, -100, -100, -100, -100])
    #expect(p.responsePositions == [[2, 3], [5]])
    #expect(p.gather(p.scatter([[0.5, 0.25], [2]])) == [[0.5, 0.25], [2]])
}
