// SFT hyper-parameters, from a recipe's `sft:` section (snake_case keys, all optional).

/// Supervised fine-tuning on PrimeVul+ (implicit prompt → secure code), optionally SafeCoder-style.
public struct SFTConfig: Codable, Sendable, Equatable {
    /// Optimizer steps.
    public var steps = 100
    /// Sequences per micro-batch and micro-batches per step.
    public var batchSize = 4
    public var gradAccumulation = 1
    public var learningRate: Float = 2e-4
    public var warmupSteps = 10
    public var weightDecay: Float = 0
    public var maxGradNorm: Float = 1
    /// Prompt + answer tokens at most (see `drop_long`).
    public var maxLength = 512
    /// Drop examples longer than `max_length` (true) instead of cutting the answer's end (false):
    /// a cut answer teaches the model to stop mid-function.
    public var dropLong = true
    /// SafeCoder: loss weight of answer tokens inside the record's secure spans (1 = plain SFT).
    public var secureWeight: Float = 1
    /// SafeCoder: weight of the unlikelihood term −log(1 − p) on the paired vulnerable code's vulnerable-span tokens (0 = off).
    public var unlikelihoodWeight: Float = 0
    /// β of the drift regularizer β · KL(π_θ ‖ π_base), the whole-vocabulary KL from the base model (adapters
    /// off) averaged over answer positions (0 = off). See `LlamaModel.answerLossAndKLToBase`.
    public var klToBase: Float = 0
    /// Eval loss on the valid split every this many steps (0 = only at the end).
    public var evalEvery = 50
    /// At most this many valid examples for the eval loss.
    public var evalExamples = 32
    /// Checkpoint every this many steps.
    public var saveEvery = 25

    public init() {}

    enum CodingKeys: String, CodingKey {
        case steps, batchSize = "batch_size", gradAccumulation = "grad_accumulation", learningRate = "learning_rate"
        case warmupSteps = "warmup_steps", weightDecay = "weight_decay", maxGradNorm = "max_grad_norm", maxLength = "max_length", dropLong = "drop_long"
        case secureWeight = "secure_weight", unlikelihoodWeight = "unlikelihood_weight", klToBase = "kl_to_base", evalEvery = "eval_every"
        case evalExamples = "eval_examples", saveEvery = "save_every"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SFTConfig()
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        gradAccumulation = try c.decodeIfPresent(Int.self, forKey: .gradAccumulation) ?? d.gradAccumulation
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? d.warmupSteps
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        maxGradNorm = try c.decodeIfPresent(Float.self, forKey: .maxGradNorm) ?? d.maxGradNorm
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength) ?? d.maxLength
        dropLong = try c.decodeIfPresent(Bool.self, forKey: .dropLong) ?? d.dropLong
        secureWeight = try c.decodeIfPresent(Float.self, forKey: .secureWeight) ?? d.secureWeight
        unlikelihoodWeight = try c.decodeIfPresent(Float.self, forKey: .unlikelihoodWeight) ?? d.unlikelihoodWeight
        klToBase = try c.decodeIfPresent(Float.self, forKey: .klToBase) ?? d.klToBase
        evalEvery = try c.decodeIfPresent(Int.self, forKey: .evalEvery) ?? d.evalEvery
        evalExamples = try c.decodeIfPresent(Int.self, forKey: .evalExamples) ?? d.evalExamples
        saveEvery = try c.decodeIfPresent(Int.self, forKey: .saveEvery) ?? d.saveEvery
    }
}
