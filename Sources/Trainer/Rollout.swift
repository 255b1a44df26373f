// One sampled response with everything PPO needs about it, and how a batch of them is laid out.

/// A prompt, the policy's sampled response, and per-response-token quantities.
public struct Rollout: Codable, Sendable {
    public var promptTokens: [Int32]
    public var responseTokens: [Int32]
    /// Composer rewards per response token (KL not yet folded in).
    public var rewards: [Float]
    /// Index of the prompt, so GRPO can normalize within each prompt's group.
    public var group: Int
    /// Filled by ``PPOUpdater/score(_:model:)``: behaviour-policy log-probs and values per response token.
    public var logprobs: [Float] = []
    public var values: [Float] = []
    /// Reference-model log-probs per response token (for the KL penalty).
    public var refLogprobs: [Float] = []

    public init(promptTokens: [Int32], responseTokens: [Int32], rewards: [Float], group: Int) {
        self.promptTokens = promptTokens
        self.responseTokens = responseTokens
        self.rewards = rewards
        self.group = group
    }
}

/// Rollouts packed right-padded into one (B, T) batch.
///
/// Response token t of row b sits at position `k_b + t` and is predicted by position `k_b − 1 + t`
/// (k_b = prompt length), so targets are the tokens shifted left and only response targets count.
/// Right padding needs no attention mask: causal attention never looks at later positions.
struct PackedBatch {
    var tokens: [Int32]
    var targets: [Int32]
    /// Flat index (into N = B·T) of the position that predicts each rollout's response tokens.
    var responsePositions: [[Int]]
    var batch: Int
    var time: Int

    static let ignore: Int32 = -100

    init(_ rollouts: [Rollout], padToken: Int32 = 0) {
        let T = rollouts.map { $0.promptTokens.count + $0.responseTokens.count }.max() ?? 1
        batch = rollouts.count
        time = T
        tokens = []
        targets = []
        responsePositions = []
        tokens.reserveCapacity(batch * T)
        for (b, r) in rollouts.enumerated() {
            let seq = r.promptTokens + r.responseTokens
            let k = r.promptTokens.count
            var rowTargets = [Int32](repeating: Self.ignore, count: T)
            var positions: [Int] = []
            for t in 0..<r.responseTokens.count {
                rowTargets[k - 1 + t] = r.responseTokens[t]
                positions.append(b * T + k - 1 + t)
            }
            tokens += seq + [Int32](repeating: padToken, count: T - seq.count)
            targets += rowTargets
            responsePositions.append(positions)
        }
    }

    /// Scatters per-rollout, per-response-token values into a flat (N) array, zero elsewhere.
    func scatter(_ perRollout: [[Float]]) -> [Float] {
        var out = [Float](repeating: 0, count: batch * time)
        for (positions, values) in zip(responsePositions, perRollout) {
            for (p, v) in zip(positions, values) { out[p] = v }
        }
        return out
    }

    func gather(_ flat: [Float]) -> [[Float]] { responsePositions.map { $0.map { flat[$0] } } }
}
