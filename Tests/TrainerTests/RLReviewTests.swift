// The fixes of the RL review (issue 16, item 3): zero critic, scoring at the sampling temperature, GRPO groups, recipes.
import Foundation
import Testing
import LM
import Rewards
import Tensor
@testable import Trainer

/// A tiny policy whose final-norm gain is large, like Qwen2.5's: what made a random value head
/// output values with a spread of about 4.
func largeGainPolicy(seed: UInt64, gain: Float = 50) throws -> LlamaModel {
    let m = try tinyModel(seed: seed)
    m.norm.data.update(repeating: gain, count: m.norm.count)
    try m.addLoRA(LoRAConfig(rank: 2, alpha: 4, targets: ["q_proj", "v_proj"]), seed: seed)
    // A LoRA that has already moved, so the policy gradient reaches both A and B.
    var rng = SeededRNG(seed: seed &+ 1)
    for (name, t) in m.trainableParameters() where name.contains(".lora_") { for i in 0..<t.count { t.data[i] += 0.05 * rng.normal() } }
    return m
}

/// Global L2 norm of the LoRA parameters' gradients.
func loraGradNorm(_ m: LlamaModel) -> Float {
    var s: Float = 0
    for (name, t) in m.trainableParameters() where name.contains(".lora_") {
        guard let g = t.grad else { continue }
        for i in 0..<g.count { s += g.data[i] * g.data[i] }
    }
    return s.squareRoot()
}

@Suite(.serialized) struct RLReviewTests {
    @Test func valueHeadStartsAtZero() throws {
        let m = try largeGainPolicy(seed: 3)
        let h = try withNoGrad { try m.hiddenStates(tokens: [1, 2, 3, 4], batch: 1) }
        let v = try withNoGrad { try m.values(hidden: h) }.values
        #expect(v.allSatisfy { $0 == 0 }, "values \(v)")
    }

    /// Token rewards of about 0.05: the value loss's gradient on the shared LoRA trunk must not drown
    /// the policy loss's, at the first update and after a few.
    @Test func valueLossDoesNotDominateTheLoRAGradient() throws {
        let m = try largeGainPolicy(seed: 4)
        var config = PPOConfig()
        config.learningRate = 1e-3
        config.miniBatchSize = 16
        config.epochs = 1
        let updater = PPOUpdater(model: m, reference: nil as LlamaModel?, config: config)
        var rng = SeededRNG(seed: 5)
        func batch() -> [Rollout] {
            (0..<16).map { i in
                let resp = (0..<4).map { _ in Int32(3 + Int(rng.next() % 8)) }
                let rewards = (0..<4).map { _ in 0.05 * rng.normal() }
                return Rollout(promptTokens: [1, 2], responseTokens: resp, rewards: rewards, group: i)
            }
        }
        for round in 0..<4 {
            var rs = batch()
            try updater.score(&rs)
            let (adv, ret, _) = updater.advantages(rs)
            let l1 = try updater.miniBatchLosses(rs, adv, ret)
            try l1.policy.backward()
            let policyNorm = loraGradNorm(m)
            updater.optimizer.zeroGrad()
            let l2 = try updater.miniBatchLosses(rs, adv, ret)
            try l2.value!.backward()
            let valueNorm = loraGradNorm(m)
            updater.optimizer.zeroGrad()
            #expect(valueNorm <= policyNorm, "round \(round): |∇ value| \(valueNorm) vs |∇ policy| \(policyNorm)")
            _ = try updater.update(rs, advantages: adv, returns: ret)
        }
    }

    /// Log-probs are scored at the rollout temperature: with every possible one-token response weighed by
    /// its sampling probability, the mean KL estimate is exactly KL(π_T ‖ π_ref,T), which is ≥ 0.
    @Test func scoringUsesTheSamplingDistribution() throws {
        let policy = try tinyModel(seed: 1), reference = try tinyModel(seed: 2)
        var config = PPOConfig()
        config.miniBatchSize = 16
        let updater = PPOUpdater(model: policy, reference: reference, config: config)
        let T: Float = 0.6
        updater.temperature = T
        let prompt: [Int32] = [1, 2]
        func tempered(_ m: LlamaModel) throws -> [Float] {
            try withNoGrad {
                let h = try m.hiddenStates(tokens: prompt, batch: 1)
                let V = m.config.vocabSize
                let last = Array(try m.logits(hidden: h).values.suffix(V)).map { $0 / T }
                let mx = last.max()!
                let lse = mx + Foundation.log(last.map { Foundation.exp($0 - mx) }.reduce(0, +))
                return last.map { $0 - lse }
            }
        }
        let lp = try tempered(policy), lref = try tempered(reference)
        var rs = (0..<policy.config.vocabSize).map { Rollout(promptTokens: prompt, responseTokens: [Int32($0)], rewards: [0], group: $0) }
        try updater.score(&rs)
        for (y, r) in rs.enumerated() {
            #expect(abs(r.logprobs[0] - lp[y]) < 1e-4, "token \(y): scored \(r.logprobs[0]), sampled at \(lp[y])")
        }
        var exact: Float = 0, estimated: Float = 0
        for y in 0..<lp.count {
            let p = Foundation.exp(lp[y])
            exact += p * (lp[y] - lref[y])
            estimated += p * (rs[y].logprobs[0] - rs[y].refLogprobs[0])
        }
        #expect(exact >= 0 && abs(estimated - exact) < 1e-4, "KL estimate \(estimated) vs exact \(exact)")
    }

    @Test func grpoNeedsGroupsOfAtLeastFour() throws {
        let yaml = """
        model: tiny
        output: runs/x
        data: {train: x.jsonl}
        ppo: {algorithm: grpo}
        rollout: {samples_per_prompt: 2}
        reward: {outcome_broken: -2.0, functional: {}}
        """
        let small = try Recipe.parse(yaml, file: "grpo.yaml")
        #expect(small.rlProblems().contains { $0.contains("samples_per_prompt") })
        #expect(throws: RecipeError.self) { try small.validateForRL(file: "grpo.yaml") }
        let ok = try Recipe.parse(yaml.replacingOccurrences(of: "samples_per_prompt: 2", with: "samples_per_prompt: 4"))
        #expect(ok.rlProblems().isEmpty, "\(ok.rlProblems())")
        // The trainer refuses such a recipe before sampling anything.
        var recipe = TinyRL.recipe(output: "/tmp/unused", steps: 1)
        recipe.ppo.algorithm = .grpo
        let (policy, gen) = try TinyRL.models(seed: 1, lora: recipe.lora!)
        let sampler = RolloutSampler(base: gen, composer: RewardComposer(config: recipe.reward, compile: { _ in true }))
        #expect(throws: RecipeError.self) { try RLTrainer(recipe: recipe, policy: policy, sampler: sampler, records: [TinyRL.record()]) }
    }

    @Test func rlRecipesRejectWhatTheScorerCannotModel() throws {
        var r = Recipe(model: "m", output: "o", data: .init(train: "t"))
        r.reward.functional = FunctionalConfig()
        r.reward.outcomeBroken = -2
        #expect(r.rlProblems().isEmpty, "\(r.rlProblems())")
        r.rollout.topP = 0.95
        #expect(r.rlProblems().contains { $0.contains("top_p") })
        r.rollout.topP = 1
        r.rollout.temperature = 0
        #expect(r.rlProblems().contains { $0.contains("temperature") })
        r.rollout.temperature = 0.8
        r.reward.functional = nil
        #expect(r.rlProblems().contains { $0.contains("functional") })
    }

    /// Every shipped RL recipe must pass the RL checks, with the new rollout settings (issue 16, items 2–3).
    @Test func shippedRLRecipesAreValid() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("recipes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") && $0.contains("ppo") }
        #expect(files.count >= 5)
        for f in files {
            let r = try Recipe.load(path: dir.appendingPathComponent(f).path)
            #expect(r.rlProblems().isEmpty, "\(f): \(r.rlProblems())")
            #expect(r.rollout.stopAtCodeEnd, "\(f)")
            if f.contains("qwen") && !f.hasPrefix("main-") { #expect(r.rollout.maxNewTokens == 512, "\(f)") }
            if r.ppo.algorithm == .grpo { #expect(r.rollout.samplesPerPrompt >= 4, "\(f)") }
        }
    }
}
