// The sampler's log-probs and values against the teacher-forced scoring pass they replace (issue 12).
import Foundation
import Testing
@testable import LM
import Tensor
@testable import Trainer

@Suite struct RolloutLogprobTests {
    /// `drawn` is log-softmax(logits / T) at the drawn token, whatever top-k and top-p then cut away.
    @Test(arguments: [(Float(0.7), 0, Float(1)), (0.8, 5, 0.9), (1.3, 0, 0.5)])
    func drawnIsTheTemperedLogSoftmax(temperature: Float, topK: Int, topP: Float) {
        let logits = (0..<64).map { Float(sin(Double($0) * 1.7) * 4) }
        let t = Double(temperature), m = Double(logits.max()!)
        let logZ = m / t + log(logits.reduce(0.0) { $0 + exp((Double($1) - m) / t) })
        for stream in 0..<20 {
            var sampler = Sampler(params: SamplingParams(temperature: temperature, topP: topP, topK: topK, seed: 11), stream: stream)
            var copy = logits
            let picked = copy.withUnsafeMutableBufferPointer { sampler.sample($0, seen: []) }
            let expected = Double(logits[Int(picked.token)]) / t - logZ
            #expect(abs(Double(picked.drawn) - expected) < 1e-5, "token \(picked.token): \(picked.drawn) vs \(expected)")
        }
        var greedy = Sampler(params: .greedy())
        var copy = logits
        let g = copy.withUnsafeMutableBufferPointer { greedy.sample($0, seen: []) }
        #expect(g.drawn == g.logprob)
    }

    /// The bound the fast path is held to: sampled log-probs and values differ from a teacher-forced
    /// pass over the same weights only by summation order in Float32. With bf16 GEMMs against the frozen
    /// base, an activation that differs in its last Float32 bits between the two passes can round to a
    /// different bf16 value (a step of 2⁻⁸ of its size), so the bound is looser.
    static func bound(_ precision: ComputePrecision) -> Float { precision == .bf16 ? 2e-2 : 1e-4 }

    /// A tiny policy whose LoRA and value head are non-zero, so both paths really apply them.
    static func policy() throws -> LlamaModel {
        var rng = SeededRNG(seed: 21)
        let m = try tinyModel(seed: 4)
        try m.addLoRA(LoRAConfig(rank: 2, alpha: 4, targets: ["q_proj", "v_proj", "o_proj"]), rng: &rng)
        for (_, t) in m.trainableParameters() {
            for i in 0..<t.count { t.data[i] = Float.random(in: -0.3...0.3, using: &rng) }
        }
        return m
    }

    @Test(arguments: [(PPOConfig.Algorithm.ppo, ComputePrecision.f32), (.grpo, .f32), (.ppo, .bf16)])
    func rolloutLogprobsMatchTheScoringPass(algorithm: PPOConfig.Algorithm, requested: ComputePrecision) throws {
        let model = try Self.policy()
        let precision = model.setPrecision(requested)
        if precision != requested { print("RolloutLogprobTests: \(requested.summary(runs: precision)); checked at f32") }
        let bound = Self.bound(precision)
        let prompts: [[Int32]] = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], [2]]
        let params = SamplingParams(temperature: 0.8, maxTokens: 9, seed: 5)
        let results = try model.generate(prompts: prompts, params: params, stopTokens: [11], batchSize: 4,
                                         values: algorithm == .ppo)
        var config = PPOConfig()
        config.algorithm = algorithm
        config.miniBatchSize = 2
        let updater = PPOUpdater(model: model, reference: .adapterFreeBase, config: config)
        updater.temperature = params.temperature

        var forced = zip(prompts, results).enumerated().map { i, pr in
            Rollout(promptTokens: pr.0, responseTokens: pr.1.tokens, rewards: pr.1.tokens.map { _ in 0 }, group: i / 2)
        }
        var carried = forced
        for i in carried.indices {
            carried[i].logprobs = results[i].drawnLogprobs
            carried[i].values = results[i].values
        }
        try updater.score(&forced)
        try updater.score(&carried)

        for (i, (f, c)) in zip(forced, carried).enumerated() {
            #expect(results[i].drawnLogprobs.count == results[i].tokens.count)
            // Scoring keeps what the sampler carried, and the reference is the same computation either way.
            #expect(c.logprobs == results[i].drawnLogprobs)
            #expect(c.refLogprobs == f.refLogprobs)
            let dl = zip(f.logprobs, c.logprobs).map { abs($0 - $1) }.max() ?? 0
            #expect(dl < bound, "rollout \(i): log-probs differ by \(dl) (\(precision))")
            if algorithm == .ppo {
                #expect(results[i].values.count == results[i].tokens.count)
                let dv = zip(f.values, c.values).map { abs($0 - $1) }.max() ?? 0
                #expect(dv < bound, "rollout \(i): values differ by \(dv) (\(precision))")
                #expect(f.values.contains { abs($0) > 1e-3 }, "value head is zero: the test would prove nothing")
            } else {
                #expect(results[i].values.isEmpty)
            }
        }
        // The LoRA is live: the adapter-free reference scores the same tokens differently.
        #expect(zip(forced.flatMap(\.logprobs), forced.flatMap(\.refLogprobs)).contains { abs($0 - $1) > 1e-3 })
    }
}
