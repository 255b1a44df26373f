// RLTrainer: the RL loop, rollout → reward → advantage → update → log, with checkpoints that survive kill -9.
import Foundation
import LM
import Rewards
import Tensor

/// PPO or GRPO on a policy with security rewards, as one readable loop.
///
/// ```swift
/// let trainer = try RLTrainer(recipe: recipe, policy: model, sampler: sampler, records: records)
/// try await trainer.run()
/// ```
///
/// Resume: every `rollout.save_every` steps the policy, the value head, the optimizer moments and the
/// step go to `<output>/checkpoint.safetensors` (written to a temporary file, then renamed, so a kill
/// leaves the previous one intact). Everything a step draws (its prompts, its sampling seed) is a pure
/// function of the recipe seed and the step number, so a resumed run repeats exactly the steps it
/// lost, and the logs drop those steps' lines before they are written again.
public final class RLTrainer {
    public let recipe: Recipe
    public let policy: LlamaModel
    public let updater: PPOUpdater
    public let sampler: RolloutSampler
    /// (record, prompt) pairs the loop draws from, in file order.
    public let items: [(record: PromptRecord, prompt: String)]
    public private(set) var step = 0
    /// Called after each step with its metrics (the CLI draws the progress bar from it).
    public var onStep: ((Int, [String: Double]) -> Void)?
    /// Called once by `run()` with the step it starts from (0, or the checkpoint's step on a resume), so a
    /// progress bar can count only this process's steps in its rate.
    public var onStart: ((Int) -> Void)?

    public var outputURL: URL { URL(fileURLWithPath: recipe.output) }
    public var checkpointURL: URL { outputURL.appendingPathComponent("checkpoint.safetensors") }

    public init(recipe: Recipe, policy: LlamaModel, sampler: RolloutSampler, records: [PromptRecord]) throws {
        try recipe.validateForRL()
        self.recipe = recipe
        self.policy = policy
        self.sampler = sampler
        var items: [(PromptRecord, String)] = []
        for r in records {
            for p in r.prompts where sampler.promptTokens(p).count <= recipe.rollout.maxPromptTokens { items.append((r, p)) }
        }
        guard !items.isEmpty else {
            throw RecipeError(file: recipe.data.train, reason: "no usable prompts in split '\(recipe.data.split)' (languages \(recipe.data.languages))")
        }
        self.items = items
        // With LoRA the base weights are frozen, so the reference policy is the policy with adapters off.
        let reference: PPOUpdater.Reference? = recipe.ppo.klBeta > 0 && policy.lora != nil ? .adapterFreeBase : nil
        updater = PPOUpdater(model: policy, reference: reference, config: recipe.ppo)
        updater.temperature = recipe.rollout.temperature
    }

    // MARK: - What a step draws

    /// The prompts of step `s`: consecutive slices of a per-epoch shuffle of all items.
    public func itemsForStep(_ s: Int) -> [(record: PromptRecord, prompt: String)] {
        let n = recipe.rollout.promptsPerStep
        return (0..<n).map { k in
            let index = s * n + k, epoch = index / items.count
            return items[epochOrder(epoch)[index % items.count]]
        }
    }

    private var orders: [Int: [Int]] = [:]
    private func epochOrder(_ epoch: Int) -> [Int] {
        if let o = orders[epoch] { return o }
        var rng = SeededRNG(seed: recipe.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch))
        let o = Array(items.indices).shuffled(using: &rng)
        orders[epoch] = o
        return o
    }

    func samplingSeed(_ s: Int) -> UInt64 { recipe.seed &* 1_000_003 &+ UInt64(s) &* 65_537 }

    // MARK: - The loop

    /// Runs (or resumes) until `rollout.steps`.
    public func run() async throws {
        try FileManager.default.createDirectory(at: outputURL, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            (step, _) = try Checkpoint.restore(model: policy, optimizer: updater.optimizer, from: checkpointURL)
        }
        onStart?(step)
        let metrics = try MetricsLog(url: outputURL.appendingPathComponent("metrics.jsonl"), keepThrough: step)
        let samplesLog = try MetricsLog(url: outputURL.appendingPathComponent("rollouts.jsonl"), keepThrough: step)
        let cfg = recipe.rollout
        while step < cfg.steps {
            let s = step + 1
            let t0 = Date(), phases = StepPhases()
            // 1. Rollout and 2. reward.
            let scored = try await sampler.sample(policy: policy, items: itemsForStep(step), samples: cfg.samplesPerPrompt,
                                                  config: cfg, seed: samplingSeed(step), groupOffset: step * cfg.promptsPerStep,
                                                  values: recipe.ppo.algorithm == .ppo, phases: phases)
            let t1 = Date()
            // 3. Advantage and 4. update.
            var rollouts = scored.map(\.rollout)
            let stats = try updater.step(&rollouts, phases: phases)
            let t2 = Date()
            // 5. Log.
            var m = Self.rolloutMetrics(scored)
            m["policy_loss"] = Double(stats.policyLoss)
            m["value_loss"] = Double(stats.valueLoss)
            m["entropy"] = Double(stats.entropy)
            m["kl"] = Double(stats.kl)
            m["clip_fraction"] = Double(stats.clipFraction)
            m["advantage_mean"] = Double(stats.advantageMean)
            m["rollout_seconds"] = t1.timeIntervalSince(t0)
            m["update_seconds"] = t2.timeIntervalSince(t1)
            // The phases inside those two: rollout = generation + reward, update = score + epochs.
            m["generation_seconds"] = phases.generation
            m["reward_seconds"] = phases.reward
            m["score_seconds"] = phases.score
            m["epochs_seconds"] = phases.epochs
            step = s
            if step % max(cfg.saveEvery, 1) == 0 || step == cfg.steps {
                try save(to: checkpointURL)
            }
            // Logs are written after the checkpoint they belong to: a kill between the two loses only
            // lines that the resumed run writes again.
            try metrics.append(step: step, m)
            for x in scored {
                try samplesLog.appendObject(step: step, [
                    "record": x.recordID, "prompt": x.prompt, "text": x.text, "reward": Double(x.reward.total),
                    "vulnerable": x.reward.vulnerable, "compiles": x.reward.compiles.map { $0 as Any } ?? NSNull(), "has_code": x.reward.hasCode,
                    "truncated": x.truncated, "stub": x.reward.stub.map { $0 as Any } ?? NSNull(),
                ])
            }
            try metrics.plot(keys: Self.plotted, title: "\(recipe.ppo.algorithm.rawValue) · reward level \(recipe.reward.level.rawValue)")
            onStep?(step, m)
        }
        try save(to: outputURL.appendingPathComponent("final.safetensors"))
    }

    /// Atomic checkpoint (``writeAtomically(_:_:)``).
    func save(to url: URL) throws {
        try writeAtomically(url) {
            try Checkpoint.save(model: policy, optimizer: updater.optimizer, step: step, rng: SeededRNG(seed: recipe.seed), to: $0)
        }
    }

    /// The curves drawn into metrics.svg.
    static let plotted = ["reward_mean", "reward_oracle", "reward_secure_pattern", "reward_outcome", "vulnerability_rate",
                          "compile_rate", "truncated_rate", "kl", "clip_fraction", "value_loss", "entropy", "response_tokens", "policy_loss"]

    /// Reward parts and the security metrics of one step's samples.
    static func rolloutMetrics(_ scored: [ScoredSample]) -> [String: Double] {
        let n = Double(max(scored.count, 1))
        var m: [String: Double] = [:]
        m["reward_mean"] = scored.map { Double($0.reward.total) }.reduce(0, +) / n
        for part in ["oracle", "secure_pattern", "vulnerable_pattern", "judge", "outcome"] {
            m["reward_" + part] = scored.map { Double($0.reward.parts[part] ?? 0) }.reduce(0, +) / n
        }
        m["vulnerability_rate"] = Double(scored.filter(\.reward.vulnerable).count) / n
        m["compile_rate"] = Double(scored.filter { $0.reward.compiles == true }.count) / n
        m["no_code_rate"] = Double(scored.filter { !$0.reward.hasCode }.count) / n
        // Share of rollouts cut by max_new_tokens: a cut answer rarely compiles, so a high share means the
        // reward measures the length cap, not the code.
        m["truncated_rate"] = Double(scored.filter(\.truncated).count) / n
        m["stub_rate"] = Double(scored.filter { $0.reward.stub == true }.count) / n
        m["response_tokens"] = scored.map { Double($0.rollout.responseTokens.count) }.reduce(0, +) / n
        return m
    }
}
