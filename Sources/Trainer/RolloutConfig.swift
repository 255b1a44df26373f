// RL loop sizes, from a recipe's `rollout:` section (snake_case keys, all optional).

/// How many rollouts each RL step samples, and how.
///
/// The rollout budget of a run is `steps × prompts_per_step × samples_per_prompt` responses; the
/// ablation holds it equal across arms.
public struct RolloutConfig: Codable, Sendable, Equatable {
    /// RL steps (rollout → reward → advantage → update).
    public var steps = 20
    public var promptsPerStep = 4
    /// Responses per prompt: GRPO's group size; PPO uses them as independent samples.
    public var samplesPerPrompt = 2
    public var maxNewTokens = 256
    public var temperature: Float = 0.8
    public var topP: Float = 0.95
    /// Prompts longer than this (tokens) are skipped.
    public var maxPromptTokens = 384
    /// Checkpoint every this many steps.
    public var saveEvery = 1
    /// Sequences sampled together (one KV cache, one matmul per weight per step).
    public var batchSize = 16

    public init() {}

    enum CodingKeys: String, CodingKey {
        case steps, promptsPerStep = "prompts_per_step", samplesPerPrompt = "samples_per_prompt"
        case maxNewTokens = "max_new_tokens", temperature, topP = "top_p", maxPromptTokens = "max_prompt_tokens"
        case saveEvery = "save_every", batchSize = "batch_size"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RolloutConfig()
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
        promptsPerStep = try c.decodeIfPresent(Int.self, forKey: .promptsPerStep) ?? d.promptsPerStep
        samplesPerPrompt = try c.decodeIfPresent(Int.self, forKey: .samplesPerPrompt) ?? d.samplesPerPrompt
        maxNewTokens = try c.decodeIfPresent(Int.self, forKey: .maxNewTokens) ?? d.maxNewTokens
        temperature = try c.decodeIfPresent(Float.self, forKey: .temperature) ?? d.temperature
        topP = try c.decodeIfPresent(Float.self, forKey: .topP) ?? d.topP
        maxPromptTokens = try c.decodeIfPresent(Int.self, forKey: .maxPromptTokens) ?? d.maxPromptTokens
        saveEvery = try c.decodeIfPresent(Int.self, forKey: .saveEvery) ?? d.saveEvery
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
    }
}
