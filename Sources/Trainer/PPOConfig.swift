// PPO/GRPO hyperparameters, loadable from a recipe's `ppo:` section (snake_case keys, all optional).

/// The RL algorithm and its knobs.
public struct PPOConfig: Codable, Sendable, Equatable {
    public enum Algorithm: String, Codable, Sendable { case ppo, grpo }

    public var algorithm: Algorithm = .ppo
    public var clipRange: Float = 0.2
    public var valueClipRange: Float = 0.2
    public var valueCoef: Float = 0.5
    public var entropyCoef: Float = 0.0
    /// β of the per-token KL penalty against the frozen reference model.
    public var klBeta: Float = 0.05
    public var gamma: Float = 1.0
    public var lambda: Float = 0.95
    public var epochs = 2
    public var miniBatchSize = 4
    public var learningRate: Float = 1e-5
    public var maxGradNorm: Float = 1.0
    public var whitenAdvantages = true

    public init() {}

    enum CodingKeys: String, CodingKey {
        case algorithm
        case clipRange = "clip_range", valueClipRange = "value_clip_range", valueCoef = "value_coef"
        case entropyCoef = "entropy_coef", klBeta = "kl_beta", gamma, lambda, epochs
        case miniBatchSize = "mini_batch_size", learningRate = "learning_rate", maxGradNorm = "max_grad_norm"
        case whitenAdvantages = "whiten_advantages"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PPOConfig()
        algorithm = try c.decodeIfPresent(Algorithm.self, forKey: .algorithm) ?? d.algorithm
        clipRange = try c.decodeIfPresent(Float.self, forKey: .clipRange) ?? d.clipRange
        valueClipRange = try c.decodeIfPresent(Float.self, forKey: .valueClipRange) ?? d.valueClipRange
        valueCoef = try c.decodeIfPresent(Float.self, forKey: .valueCoef) ?? d.valueCoef
        entropyCoef = try c.decodeIfPresent(Float.self, forKey: .entropyCoef) ?? d.entropyCoef
        klBeta = try c.decodeIfPresent(Float.self, forKey: .klBeta) ?? d.klBeta
        gamma = try c.decodeIfPresent(Float.self, forKey: .gamma) ?? d.gamma
        lambda = try c.decodeIfPresent(Float.self, forKey: .lambda) ?? d.lambda
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        miniBatchSize = try c.decodeIfPresent(Int.self, forKey: .miniBatchSize) ?? d.miniBatchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        maxGradNorm = try c.decodeIfPresent(Float.self, forKey: .maxGradNorm) ?? d.maxGradNorm
        whitenAdvantages = try c.decodeIfPresent(Bool.self, forKey: .whitenAdvantages) ?? d.whitenAdvantages
    }
}
