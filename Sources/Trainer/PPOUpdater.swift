// The PPO/GRPO update: score rollouts, compute advantages, then clipped mini-batch epochs.
import Foundation
import LM
import Tensor

/// What one update did, for the metrics log.
public struct PPOStats: Codable, Sendable {
    public var policyLoss: Float = 0
    public var valueLoss: Float = 0
    /// Mean −log π of the sampled tokens: an unbiased estimate of the policy's entropy on them.
    public var entropy: Float = 0
    /// Mean per-token KL(π_old ‖ π_ref), k1 estimator.
    public var kl: Float = 0
    public var clipFraction: Float = 0
    public var rewardMean: Float = 0
    public var advantageMean: Float = 0

    enum CodingKeys: String, CodingKey {
        case policyLoss = "policy_loss", valueLoss = "value_loss", entropy, kl
        case clipFraction = "clip_fraction", rewardMean = "reward_mean", advantageMean = "advantage_mean"
    }
}

/// Runs PPO (critic + GAE over per-token rewards) or GRPO (group-normalized scalars) updates on a model.
public final class PPOUpdater {
    public let model: LlamaModel
    /// The frozen reference policy for the KL penalty; `nil` disables the penalty.
    public let reference: Reference?
    /// Where the reference log-probs come from.
    public enum Reference {
        /// A separate frozen model.
        case model(LlamaModel)
        /// The policy itself with its LoRA adapters switched off (its base weights are frozen).
        case adapterFreeBase
    }
    public let optimizer: AdamW
    public var config: PPOConfig
    /// The rollout sampler's temperature. Log-probs, ratios, the KL and the entropy are all computed
    /// on logits / T: the ratio must compare the distribution the tokens were drawn from, and a KL
    /// estimated on tokens drawn at T = 0.8 but scored at T = 1 is biased (it came out negative).
    /// The reference is scored at the same T, so the KL compares the two tempered policies.
    /// Top-p is not modelled here; ``Recipe/validate()`` requires `top_p: 1` for RL.
    public var temperature: Float = 1

    public convenience init(model: LlamaModel, reference: LlamaModel?, config: PPOConfig) {
        self.init(model: model, reference: reference.map { .model($0) }, config: config)
    }

    public init(model: LlamaModel, reference: Reference?, config: PPOConfig) {
        self.model = model
        self.reference = reference
        self.config = config
        optimizer = AdamW(parameters: model.trainableParameters(), config: AdamWConfig(learningRate: config.learningRate))
    }

    // MARK: - Score

    /// Hidden states to feed the LM head for log-probs at the sampling temperature: the head has no
    /// bias, so logits / T = (h / T) · Wᵀ and the fused, vocabulary-chunked kernels stay usable.
    func tempered(_ h: Tensor) throws -> Tensor { temperature == 1 ? h : try scale(h, 1 / temperature) }

    /// Fills each rollout's behaviour log-probs and values (and reference log-probs), teacher-forced
    /// with no gradient, so the first epoch's ratio is exactly 1. A mini-batch whose rollouts already
    /// carry them (the sampler's, ``RolloutConfig/reuseLogprobs``) skips the policy's forward pass and
    /// runs only the reference's.
    public func score(_ rollouts: inout [Rollout]) throws {
        for start in stride(from: 0, to: rollouts.count, by: config.miniBatchSize) {
            let end = min(start + config.miniBatchSize, rollouts.count)
            let carried = rollouts[start..<end].allSatisfy { r in
                r.logprobs.count == r.responseTokens.count && (config.algorithm == .grpo || r.values.count == r.responseTokens.count)
            }
            let packed = PackedBatch(Array(rollouts[start..<end]))
            let (logp, values, refLogp): ([[Float]], [[Float]], [[Float]]) = try withNoGrad {
                let lp: [Float], v: [Float]
                if carried {
                    lp = packed.scatter(rollouts[start..<end].map(\.logprobs))
                    v = config.algorithm == .ppo ? packed.scatter(rollouts[start..<end].map(\.values)) : [Float](repeating: 0, count: lp.count)
                } else {
                    let h = try model.hiddenStates(tokens: packed.tokens, batch: packed.batch)
                    lp = try model.tokenLogProbs(hidden: tempered(h), targets: packed.targets).values
                    v = config.algorithm == .ppo ? try model.values(hidden: h).values : [Float](repeating: 0, count: lp.count)
                }
                var ref = lp
                switch reference {
                case .model(let r)?:
                    let hr = try r.hiddenStates(tokens: packed.tokens, batch: packed.batch)
                    ref = try r.tokenLogProbs(hidden: tempered(hr), targets: packed.targets).values
                case .adapterFreeBase?:
                    ref = try model.withoutAdapters {
                        let hr = try model.hiddenStates(tokens: packed.tokens, batch: packed.batch)
                        return try model.tokenLogProbs(hidden: tempered(hr), targets: packed.targets).values
                    }
                case nil: break
                }
                return (packed.gather(lp), packed.gather(v), packed.gather(ref))
            }
            for i in start..<end {
                rollouts[i].logprobs = logp[i - start]
                rollouts[i].values = values[i - start]
                rollouts[i].refLogprobs = refLogp[i - start]
            }
        }
    }

    // MARK: - Advantages

    /// Per-rollout advantages and value targets. PPO: KL-penalized per-token rewards → GAE.
    /// GRPO: the KL-penalized *sum* per response, normalized within its prompt group.
    public func advantages(_ rollouts: [Rollout]) -> (advantages: [[Float]], returns: [[Float]], kl: Float) {
        var adv: [[Float]] = [], ret: [[Float]] = [], klSum: Float = 0, klCount = 0
        var shaped: [[Float]] = []
        for r in rollouts {
            let (rw, kl) = Advantages.klPenalized(rewards: r.rewards, logprobs: r.logprobs, refLogprobs: r.refLogprobs,
                                                  beta: reference == nil ? 0 : config.klBeta)
            klSum += kl.reduce(0, +)
            klCount += kl.count
            shaped.append(rw)
        }
        switch config.algorithm {
        case .ppo:
            for (r, rw) in zip(rollouts, shaped) {
                let g = Advantages.gae(rewards: rw, values: r.values, gamma: config.gamma, lambda: config.lambda)
                adv.append(g.advantages)
                ret.append(g.returns)
            }
        case .grpo:
            // Groups are consecutive runs of equal `group`; each gets its own normalization.
            var i = 0
            while i < rollouts.count {
                var j = i
                while j < rollouts.count && rollouts[j].group == rollouts[i].group { j += 1 }
                let scores = Advantages.groupNormalized(shaped[i..<j].map { $0.reduce(0, +) }, groupSize: j - i)
                for k in i..<j {
                    adv.append([Float](repeating: scores[k - i], count: rollouts[k].responseTokens.count))
                    ret.append([Float](repeating: 0, count: rollouts[k].responseTokens.count))
                }
                i = j
            }
        }
        if config.whitenAdvantages && config.algorithm == .ppo {
            let flat = Advantages.whiten(adv.flatMap { $0 })
            var o = 0
            adv = adv.map { a in defer { o += a.count }; return Array(flat[o..<(o + a.count)]) }
        }
        return (adv, ret, klCount > 0 ? klSum / Float(klCount) : 0)
    }

    // MARK: - Update

    /// `epochs` passes of clipped mini-batch updates over scored rollouts.
    public func update(_ rollouts: [Rollout], advantages: [[Float]], returns: [[Float]]) throws -> PPOStats {
        var stats = PPOStats()
        var steps: Float = 0
        for _ in 0..<config.epochs {
            for start in stride(from: 0, to: rollouts.count, by: config.miniBatchSize) {
                let idx = Array(start..<min(start + config.miniBatchSize, rollouts.count))
                let s = try miniBatchStep(idx.map { rollouts[$0] }, idx.map { advantages[$0] }, idx.map { returns[$0] })
                stats.policyLoss += s.policyLoss
                stats.valueLoss += s.valueLoss
                stats.clipFraction += s.clipFraction
                steps += 1
            }
        }
        stats.policyLoss /= max(steps, 1)
        stats.valueLoss /= max(steps, 1)
        stats.clipFraction /= max(steps, 1)
        let lp = rollouts.flatMap(\.logprobs)
        stats.entropy = lp.isEmpty ? 0 : -lp.reduce(0, +) / Float(lp.count)
        let rw = rollouts.map { $0.rewards.reduce(0, +) }
        stats.rewardMean = rw.isEmpty ? 0 : rw.reduce(0, +) / Float(rw.count)
        let a = advantages.flatMap { $0 }
        stats.advantageMean = a.isEmpty ? 0 : a.reduce(0, +) / Float(a.count)
        return stats
    }

    /// The loss terms of one mini-batch, on the tape (nothing is stepped):
    ///
    ///     ratio = exp(log π − log π_old)
    ///     L_pg  = Σ w · max(−A·ratio, −A·clip(ratio, 1−ε, 1+ε))
    ///     L_v   = ½ c_v Σ w · max((V−R)², (V_old + clip(V−V_old, ±ε_v) − R)²)
    ///     L_H   = −c_H Σ w · H
    ///
    /// with w = 1/#response tokens on response positions and 0 elsewhere. Split out so a test can
    /// back-propagate each term alone and compare their gradients on the shared LoRA trunk.
    func miniBatchLosses(_ rs: [Rollout], _ adv: [[Float]], _ ret: [[Float]]) throws
        -> (policy: Tensor, value: Tensor?, entropy: Tensor?, ratio: Tensor, weights: Tensor, count: Float) {
        let packed = PackedBatch(rs)
        let n = packed.tokens.count
        let count = Float(max(rs.reduce(0) { $0 + $1.responseTokens.count }, 1))
        let w = try Tensor(shape: [n], values: packed.scatter(rs.map { [Float](repeating: 1 / count, count: $0.responseTokens.count) }))
        let negAdv = try Tensor(shape: [n], values: packed.scatter(adv).map { -$0 })
        let oldLogp = try Tensor(shape: [n], values: packed.scatter(rs.map(\.logprobs)))

        let h = try model.hiddenStates(tokens: packed.tokens, batch: packed.batch)
        let logp = try model.tokenLogProbs(hidden: tempered(h), targets: packed.targets)             // (N)
        let ratio = try exp(sub(logp, oldLogp))                                                      // (N)
        let clipped = try clamp(ratio, min: 1 - config.clipRange, max: 1 + config.clipRange)
        let policy = try sum(mul(maximum(mul(ratio, negAdv), mul(clipped, negAdv)), w))
        var value: Tensor? = nil
        if config.algorithm == .ppo && config.valueCoef > 0 {
            let oldV = try Tensor(shape: [n], values: packed.scatter(rs.map(\.values)))
            let target = try Tensor(shape: [n], values: packed.scatter(ret))
            let v = try model.values(hidden: h)                                                      // (N)
            let vClipped = try add(oldV, clamp(sub(v, oldV), min: -config.valueClipRange, max: config.valueClipRange))
            let d1 = try sub(v, target), d2 = try sub(vClipped, target)
            value = try scale(sum(mul(maximum(mul(d1, d1), mul(d2, d2)), w)), 0.5 * config.valueCoef)
        }
        var ent: Tensor? = nil
        if config.entropyCoef > 0 {
            ent = try scale(sum(mul(entropy(model.logits(hidden: tempered(h))), w)), -config.entropyCoef)
        }
        return (policy, value, ent, ratio, w, count)
    }

    /// One optimizer step on a mini-batch: L = L_pg + L_v + L_H (``miniBatchLosses(_:_:_:)``),
    /// backward, global-norm clip, AdamW.
    func miniBatchStep(_ rs: [Rollout], _ adv: [[Float]], _ ret: [[Float]]) throws -> PPOStats {
        let l = try miniBatchLosses(rs, adv, ret)
        var stats = PPOStats()
        stats.policyLoss = l.policy.item()
        var loss = l.policy
        if let v = l.value { stats.valueLoss = v.item(); loss = try add(loss, v) }
        if let e = l.entropy { loss = try add(loss, e) }
        try loss.backward()
        _ = clipGradNorm(optimizer.parameters, maxNorm: config.maxGradNorm)
        optimizer.step()
        optimizer.zeroGrad()

        // Clip fraction over response positions.
        let r = l.ratio.values, wv = l.weights.values
        var clippedCount: Float = 0
        for i in 0..<r.count where wv[i] > 0 && abs(r[i] - 1) > config.clipRange { clippedCount += 1 }
        stats.clipFraction = clippedCount / l.count
        return stats
    }

    /// Score → advantages → update, the part of the RL loop after rollout and reward.
    public func step(_ rollouts: inout [Rollout], phases: StepPhases? = nil) throws -> PPOStats {
        let t0 = Date()
        try score(&rollouts)
        let t1 = Date()
        let (adv, ret, kl) = advantages(rollouts)
        var stats = try update(rollouts, advantages: adv, returns: ret)
        phases?.score += t1.timeIntervalSince(t0)
        phases?.epochs += Date().timeIntervalSince(t1)
        stats.kl = kl
        return stats
    }
}
