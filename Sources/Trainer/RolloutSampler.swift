// RolloutSampler: samples responses from the current policy through the fast decoder, then scores them.
import Foundation
import LM
import ModelIO
import Rewards

/// One sampled response, decoded and rewarded.
public struct ScoredSample: Sendable {
    public var recordID: String
    public var prompt: String
    public var rollout: Rollout
    public var text: String
    public var reward: TokenRewards
    /// The response hit `max_new_tokens` (no stop token, no closing fence): its code is likely cut.
    public var truncated = false
}

/// Wall time of the phases of one RL step, for the metrics log and `benchmarks/rl_step.sh`: the loop fills
/// it as it goes, so callers that do not care pass nothing.
public final class StepPhases {
    /// Sampling the responses (the decoder).
    public var generation: Double = 0
    /// The reward: oracle, compile gate and patterns over every response.
    public var reward: Double = 0
    /// The no-gradient scoring before the epochs: reference log-probs, and behaviour log-probs and
    /// values unless the sampler supplied them.
    public var score: Double = 0
    /// The clipped mini-batch epochs (forward, backward, optimizer).
    public var epochs: Double = 0
    public init() {}
}

/// Rollout + reward for one RL step.
///
/// By default sampling runs on the policy itself (`LlamaModel.generate`, `rollout.engine: f32`): all
/// rollouts of a step in one batch, each decode step one F32 matmul per weight over every row. With
/// ``RolloutConfig/reuseLogprobs`` the rollouts leave here with their behaviour log-probs (and PPO's
/// old values) from the sampler, so ``PPOUpdater/score(_:)`` runs only the reference. `engine:
/// quantized` samples through the GGUF decoder with the LoRA merged instead: 1.14× faster to sample
/// on this project's benchmark machine, but its samples are not the F32 policy's, so scoring must
/// recompute the behaviour log-probs and the step comes out slower (docs/BENCHMARKS.md, "RL step").
/// The tokenizer, chat format and stop tokens come from the base model's ``Generator``.
public struct RolloutSampler {
    public let tokenizer: Tokenizer
    public let chat: ChatPrompt
    public let stopTokens: Set<Int32>
    public var composer: RewardComposer
    /// The quantized decoder that `rollout.engine: quantized` merges the current LoRA into: the base
    /// model's, with any earlier stage (`init:`, folded into the F32 policy) already merged. `nil` when
    /// the sampler was built without it, so the F32 engine does not hold the decoder's ~0.45 GB.
    public var quantizedBase: InferenceModel?

    /// - Parameter keepDecoder: keep `base`'s quantized decoder for `rollout.engine: quantized`; the
    ///   F32 engine needs only its tokenizer, chat format and stop tokens.
    public init(base: Generator, composer: RewardComposer, keepDecoder: Bool = true) {
        tokenizer = base.tokenizer
        chat = base.chat
        stopTokens = base.stopTokens
        self.composer = composer
        quantizedBase = keepDecoder ? base.model : nil
    }

    /// Merges the earlier stage (`init:`, which the F32 policy has folded in) into ``quantizedBase``,
    /// so both engines sample the same model.
    public mutating func mergeEarlierStage(_ checkpoint: String) throws {
        quantizedBase = try quantizedBase?.adapted(checkpoint: checkpoint)
    }

    /// Prompt token ids for an implicit prompt (one user turn, then the assistant header).
    public func promptTokens(_ prompt: String) -> [Int32] {
        tokenizer.encode(chat.render([(role: "user", content: prompt)])).map(Int32.init)
    }

    /// `samples` responses for each (record, prompt) item, consecutive per item (GRPO groups), scored.
    /// Sequence i samples from stream `seed + i`, so a step is reproducible from its seed. `values`:
    /// also keep the critic's values along the way (PPO, with ``RolloutConfig/reuseLogprobs``).
    public func sample(policy: LlamaModel, items: [(record: PromptRecord, prompt: String)], samples: Int,
                       config: RolloutConfig, seed: UInt64, groupOffset: Int = 0, values: Bool = false,
                       phases: StepPhases? = nil) async throws -> [ScoredSample] {
        let t0 = Date()
        var prompts: [[Int32]] = [], owners: [Int] = []
        for (i, item) in items.enumerated() {
            let p = promptTokens(item.prompt)
            for _ in 0..<samples { prompts.append(p); owners.append(i) }
        }
        let params = SamplingParams(temperature: config.temperature, topP: config.topP, maxTokens: config.maxNewTokens, seed: seed)
        let stopRule: StopRule? = config.stopAtCodeEnd ? .endOfFirstCodeBlock : nil
        let results: [GenerationResult]
        switch config.engine {
        case .f32:
            results = try policy.generate(prompts: prompts, params: params, stopTokens: stopTokens, tokenizer: tokenizer,
                                          batchSize: config.batchSize, stopRule: stopRule, values: values && config.reuseLogprobs)
        case .quantized:
            guard let quantizedBase else {
                throw LMError.invalidConfig(field: "rollout.engine", reason: "quantized, but the sampler was built without its decoder")
            }
            // A policy without LoRA is the base (+ earlier stage) itself: nothing to merge.
            let decoder = Generator(model: policy.lora == nil ? quantizedBase : try quantizedBase.adapted(from: policy),
                                    tokenizer: tokenizer, chat: chat)
            decoder.stopTokens = stopTokens
            results = try decoder.generate(prompts: prompts, params: params, stopRule: stopRule)
        }
        let t1 = Date()
        phases?.generation += t1.timeIntervalSince(t0)
        defer { phases?.reward += Date().timeIntervalSince(t1) }
        // Rewards: the oracle and the compile gate per response, two at a time (the machine's cores).
        let bytes: [[[UInt8]]] = results.map { r in
            r.tokens.map { stopTokens.contains($0) ? [] : tokenizer.decodeBytes([Int($0)]) }
        }
        let composer = self.composer
        let refs = owners.map { items[$0].record.reference }
        var rewards = [TokenRewards?](repeating: nil, count: results.count)
        try await withThrowingTaskGroup(of: (Int, TokenRewards).self) { group in
            var next = 0
            func launch() {
                let i = next, b = bytes[i], ref = refs[i]
                group.addTask { (i, await composer.compose(tokenBytes: b, reference: ref)) }
                next += 1
            }
            for _ in 0..<min(2, results.count) { launch() }
            while let (i, r) = try await group.next() {
                rewards[i] = r
                if next < results.count { launch() }
            }
        }
        return results.indices.map { i in
            let item = items[owners[i]]
            var rollout = Rollout(promptTokens: prompts[i], responseTokens: results[i].tokens,
                                  rewards: rewards[i]!.perToken, group: groupOffset + owners[i])
            if config.reuseLogprobs {
                rollout.logprobs = results[i].drawnLogprobs
                rollout.values = results[i].values
            }
            return ScoredSample(recordID: item.record.id, prompt: item.prompt, rollout: rollout,
                                text: results[i].text, reward: rewards[i]!, truncated: results[i].finishReason == .length)
        }
    }
}
