// `srcode train ppo`: RL with token-level (or instance-level) security rewards, PPO or GRPO.
import ArgumentParser
import Foundation
import LM
import ModelIO
import Rewards
import SRCodeData
import Tensor
import Trainer

struct TrainPPOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo", abstract: "PPO/GRPO with security rewards (resumable: rerun the same command to continue).")

    @Option(help: "Recipe YAML (model, init, data, lora, ppo, rollout, reward, seed, output).") var config: String
    @Flag(help: "Fail on the first bad data line or unknown recipe key instead of skipping it.") var strict = false
    @Option(help: "Threads for matmuls (OpenBLAS) and row kernels (default: SRCODE_THREADS or all cores).") var threads: Int?

    func run() async throws {
        let recipe = try Recipe.load(path: config, strict: strict, warn: { printError("warning: \($0)") })
        try recipe.validateForRL(file: config)  // before minutes of model loading
        Engine.configure(threads: threads)  // rollouts and updates both run on the F32 policy
        if let threads { QuantizedMatrix.threads = max(1, threads) }
        let path = try await resolveModel(recipe.model)
        guard let lora = recipe.lora else {
            throw ValidationError("\(config): train ppo needs a `lora:` section (the reference policy is the adapter-free model)")
        }
        // The policy starts from the model with the earlier stage (e.g. SFT) folded in, plus a fresh adapter.
        let policy = try LlamaModel.load(path: path, seed: recipe.seed)
        if let initFrom = recipe.initFrom { try policy.fold(checkpoint: initFrom) }
        try policy.addLoRA(lora, seed: recipe.seed)
        printError("train ppo: precision: " + recipe.precision.summary(runs: policy.setPrecision(recipe.precision)))
        let records = try PromptRecord.load(path: recipe.data.train, split: recipe.data.split, languages: recipe.data.languages,
                                            limit: recipe.data.limit, strict: strict) { printError("skip \($0)") }
        // Tokenizer, chat format and stop tokens from the GGUF decoder, which stays loaded only when it
        // samples (`rollout.engine: quantized`); the default engine samples on the policy itself.
        var sampler = RolloutSampler(base: try Generator.load(path: path), composer: RewardComposer(config: recipe.reward),
                                     keepDecoder: recipe.rollout.engine == .quantized)
        if recipe.rollout.engine == .quantized, let initFrom = recipe.initFrom { try sampler.mergeEarlierStage(initFrom) }
        let trainer = try RLTrainer(recipe: recipe, policy: policy, sampler: sampler, records: records)
        printError("train ppo: \(recipe.ppo.algorithm.rawValue), reward level \(recipe.reward.level.rawValue), "
            + "\(records.count) records, \(trainer.items.count) prompts; output \(recipe.output)")
        var bar = ProgressBar(total: recipe.rollout.steps, enabled: false)
        trainer.onStart = { bar = ProgressBar(total: recipe.rollout.steps, done: $0) }  // a resume's rate counts only new steps
        trainer.onStep = { step, m in
            bar.update(step, String(format: "reward %.3f  vuln %.2f  compile %.2f  kl %.4f",
                                    m["reward_mean"] ?? 0, m["vulnerability_rate"] ?? 0, m["compile_rate"] ?? 0, m["kl"] ?? 0))
        }
        try await trainer.run()
        bar.finish()
        let adapter = URL(fileURLWithPath: recipe.output).appendingPathComponent("adapter.safetensors")
        try policy.exportAdapter(stackingOn: recipe.initFrom, to: adapter)
        print("train ppo: done; adapter for generation and eval: \(adapter.path)")
    }
}
