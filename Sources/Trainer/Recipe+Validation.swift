// Checks an RL recipe before any model is loaded: settings under which the RL update would be wrong, not just slow.
import Rewards

extension Recipe {
    /// Smallest GRPO group: with 2 samples per prompt, binary-ish rewards tie most of the time and a
    /// tied group has zero advantage for every token, so most of the step's rollouts teach nothing.
    /// With 4, a group is all-equal only when all four agree.
    public static let minimumGRPOGroup = 4

    /// Reasons this recipe cannot drive `train ppo` correctly (empty: it can).
    public func rlProblems() -> [String] {
        var problems: [String] = []
        let r = rollout
        if !(r.temperature > 0) {
            problems.append("rollout.temperature must be > 0 for RL (got \(r.temperature)): PPO scores the sampling distribution, logits / T")
        }
        if r.topP != 1 {
            problems.append("rollout.top_p must be 1 for RL (got \(r.topP)): the scorer computes log-probs at the sampling "
                + "temperature but cannot renormalize over the nucleus, so ratios and the KL would be off")
        }
        if ppo.algorithm == .grpo && r.samplesPerPrompt < Self.minimumGRPOGroup {
            problems.append("rollout.samples_per_prompt must be ≥ \(Self.minimumGRPOGroup) for GRPO (got \(r.samplesPerPrompt)): "
                + "smaller groups tie and give zero advantage")
        }
        if r.maxNewTokens < 1 { problems.append("rollout.max_new_tokens must be ≥ 1 (got \(r.maxNewTokens))") }
        if let p = reward.orderingProblem() { problems.append("reward: " + p) }
        return problems
    }

    /// Throws a ``RecipeError`` naming the recipe file and every problem of ``rlProblems()``.
    public func validateForRL(file: String = "<recipe>") throws {
        let problems = rlProblems()
        guard problems.isEmpty else { throw RecipeError(file: file, reason: problems.joined(separator: "; ")) }
    }
}
