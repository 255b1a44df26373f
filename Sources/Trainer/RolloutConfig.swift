// RL loop sizes, from a recipe's `rollout:` section (snake_case keys, all optional).

/// How many rollouts each RL step samples, and how.
///
/// The rollout budget of a run is `steps × prompts_per_step × samples_per_prompt` responses; the
/// ablation holds it equal across arms.
public struct RolloutConfig: Codable, Sendable, Equatable {
    /// RL steps (rollout → reward → advantage → update).
    public var steps = 20
    public var promptsPerStep = 4
    /// Responses per prompt: GRPO's group size (at least ``Recipe/minimumGRPOGroup``); PPO uses them
    /// as independent samples.
    public var samplesPerPrompt = 4
    /// Room for a whole function: at 192 tokens most answers were cut mid-body and failed to compile.
    /// With ``stopAtCodeEnd`` an answer ends at its closing fence, so the cap costs time only for the
    /// answers that need it.
    public var maxNewTokens = 512
    /// The PPO scorer uses the same temperature (``PPOUpdater/temperature``).
    public var temperature: Float = 0.8
    /// Must be 1 for RL (``Recipe/rlProblems()``): the scorer does not model the nucleus.
    public var topP: Float = 1
    /// End each rollout at the closing fence of its first code block (``StopRule/endOfFirstCodeBlock``).
    public var stopAtCodeEnd = true
    /// Prompts longer than this (tokens) are skipped.
    public var maxPromptTokens = 384
    /// Checkpoint every this many steps.
    public var saveEvery = 1
    /// Sequences sampled together (one KV cache, one matmul per weight per step).
    public var batchSize = 16
    /// Keep the sampler's log-probs at the sampling temperature (and, for PPO, the value head's output
    /// on the decode's hidden states) as the behaviour log-probs and old values, so the update's
    /// scoring pass runs only the reference. They come from the same weights as a teacher-forced pass
    /// and differ from it only in summation order (RolloutLogprobTests bounds it); `false` restores
    /// the teacher-forced pass, the reference behaviour.
    public var reuseLogprobs = true
    /// Which decoder samples the rollouts.
    public enum Engine: String, Codable, Sendable {
        /// The F32 policy itself, all rows batched (`LlamaModel.generate`): exactly the policy PPO scores.
        case f32
        /// The GGUF decoder with the earlier stage and the current LoRA merged into F32 rows of the
        /// adapted projections (`InferenceModel.adapted(from:)`), every other weight still quantized:
        /// fewer bytes per decode step, but activations are rounded as llama.cpp rounds them, so the
        /// samples come from a slightly different distribution than the F32 policy. Behaviour log-probs
        /// are then always recomputed on the F32 policy (``reuseLogprobs`` has nothing to reuse).
        case quantized
    }
    public var engine: Engine = .f32

    public init() {}

    enum CodingKeys: String, CodingKey {
        case steps, promptsPerStep = "prompts_per_step", samplesPerPrompt = "samples_per_prompt"
        case maxNewTokens = "max_new_tokens", temperature, topP = "top_p", maxPromptTokens = "max_prompt_tokens"
        case saveEvery = "save_every", batchSize = "batch_size", stopAtCodeEnd = "stop_at_code_end"
        case reuseLogprobs = "reuse_logprobs", engine
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
        stopAtCodeEnd = try c.decodeIfPresent(Bool.self, forKey: .stopAtCodeEnd) ?? d.stopAtCodeEnd
        reuseLogprobs = try c.decodeIfPresent(Bool.self, forKey: .reuseLogprobs) ?? d.reuseLogprobs
        engine = try c.decodeIfPresent(Engine.self, forKey: .engine) ?? d.engine
    }
}
