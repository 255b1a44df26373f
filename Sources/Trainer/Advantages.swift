// Advantage estimators: GAE over per-token rewards (PPO) and group-normalized scalars (GRPO).

/// Advantage math on plain arrays: no tensors, so it is exact, cheap and testable by hand.
public enum Advantages {
    /// Generalized Advantage Estimation over one response.
    ///
    ///     δ_t = r_t + γ·V_{t+1} − V_t        (V_T = 0: the response ends the episode)
    ///     A_t = δ_t + γλ·A_{t+1}
    ///     R_t = A_t + V_t                    (the value target)
    ///
    /// Per-token rewards are what make this more than a scalar: a penalty on the tokens of a
    /// `strcpy` lands on those tokens' advantages (and, discounted by γλ, on the tokens before them),
    /// not smeared uniformly over the whole answer.
    public static func gae(rewards r: [Float], values v: [Float], gamma: Float, lambda: Float) -> (advantages: [Float], returns: [Float]) {
        precondition(r.count == v.count, "rewards and values must align")
        let T = r.count
        var adv = [Float](repeating: 0, count: T)
        var next: Float = 0, nextValue: Float = 0
        for t in stride(from: T - 1, through: 0, by: -1) {
            let delta = r[t] + gamma * nextValue - v[t]
            next = delta + gamma * lambda * next
            adv[t] = next
            nextValue = v[t]
        }
        return (adv, zip(adv, v).map(+))
    }

    /// GRPO: each response's scalar reward, normalized within its prompt's group, for every token.
    ///
    ///     A_i = (R_i − mean(R_group)) / (std(R_group) + ε)
    ///
    /// This is the instance-level baseline (PurpCode, SecCoderX): no critic, one number per answer.
    public static func groupNormalized(_ rewards: [Float], groupSize: Int, epsilon: Float = 1e-6) -> [Float] {
        precondition(groupSize > 0 && rewards.count % groupSize == 0, "rewards must come in whole groups")
        var out = [Float](repeating: 0, count: rewards.count)
        for g in stride(from: 0, to: rewards.count, by: groupSize) {
            let group = rewards[g..<(g + groupSize)]
            let mean = group.reduce(0, +) / Float(groupSize)
            let variance = group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(groupSize)
            let std = variance.squareRoot()
            for i in g..<(g + groupSize) { out[i] = (rewards[i] - mean) / (std + epsilon) }
        }
        return out
    }

    /// Whitens advantages across a batch (zero mean, unit variance), the usual PPO stabilizer.
    public static func whiten(_ x: [Float], epsilon: Float = 1e-8) -> [Float] {
        guard x.count > 1 else { return x }
        let mean = x.reduce(0, +) / Float(x.count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(x.count)
        let inv = 1 / (variance.squareRoot() + epsilon)
        return x.map { ($0 - mean) * inv }
    }

    /// Per-token KL penalty folded into the rewards: `r_t − β·(log π_old(y_t) − log π_ref(y_t))` (k1 estimator).
    public static func klPenalized(rewards: [Float], logprobs: [Float], refLogprobs: [Float], beta: Float) -> (rewards: [Float], kl: [Float]) {
        let kl = zip(logprobs, refLogprobs).map { $0 - $1 }
        return (zip(rewards, kl).map { $0 - beta * $1 }, kl)
    }
}
