// `srcode reward diagnose`: what a recipe's reward does on base-model rollouts, before an RL run is spent on it.
import ArgumentParser
import Foundation
import LM
import ModelIO
import Rewards
import SRCodeData
import Tensor
import Trainer

struct RewardDiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Sample N rollouts with a recipe's rollout settings and report how often each reward source fires, "
            + "the dense per-token reward on flagged versus clean samples, and worked examples.")

    @Option(help: "RL recipe YAML (model, data, rollout, reward).") var config: String
    @Option(help: "Rollouts to sample and reward.") var rollouts = 200
    @Option(help: "Worked examples to show with their token rewards.") var examples = 5
    @Option(help: "Output folder (default: <recipe output>/reward-diagnostics).") var output: String?
    @Option(help: "Sampling seed (default: the recipe's).") var seed: UInt64?
    @Flag(help: "Sample from the recipe's `init:` weights (e.g. the SFT adapter) instead of the base model.") var withInit = false
    @Flag(help: "Fail on the first bad data line or unknown recipe key instead of skipping it.") var strict = false
    @Option(help: "Threads for matmuls (default: SRCODE_THREADS or all cores).") var threads: Int?

    func run() async throws {
        var recipe = try Recipe.load(path: config, strict: strict, warn: { printError("warning: \($0)") })
        // Where the reward lands is the question: diagnose at token level even for an instance-level arm.
        recipe.reward.level = .token
        Engine.configure(threads: threads)
        let path = try await resolveModel(recipe.model)
        let generator = try Generator.load(path: path)
        let policy = try LlamaModel.load(path: path, seed: recipe.seed)
        if withInit, let initFrom = recipe.initFrom { try policy.fold(checkpoint: initFrom) }
        let records = try PromptRecord.load(path: recipe.data.train, split: recipe.data.split, languages: recipe.data.languages,
                                            limit: recipe.data.limit, strict: strict) { printError("skip \($0)") }
        var sampler = RolloutSampler(base: generator, composer: RewardComposer(config: recipe.reward))
        if recipe.rollout.engine == .quantized, withInit, let initFrom = recipe.initFrom { try sampler.mergeEarlierStage(initFrom) }
        var items: [(record: PromptRecord, prompt: String)] = []
        for r in records {
            for p in r.prompts where sampler.promptTokens(p).count <= recipe.rollout.maxPromptTokens { items.append((r, p)) }
        }
        guard !items.isEmpty else { throw ValidationError("\(config): no usable prompts in split '\(recipe.data.split)'") }
        let out = URL(fileURLWithPath: output ?? URL(fileURLWithPath: recipe.output).appendingPathComponent("reward-diagnostics").path)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        printError("reward diagnose: \(rollouts) rollouts from \(items.count) prompts of \(records.count) records "
            + "(\(withInit ? "init weights" : "base model")), max \(recipe.rollout.maxNewTokens) tokens; output \(out.path)")
        var bar = ProgressBar(total: rollouts, unit: "rollouts")
        let t0 = Date()
        let samples = try await RewardDiagnostics.collect(policy: policy, sampler: sampler, items: items, rollouts: rollouts,
                                                          config: recipe.rollout, seed: seed ?? recipe.seed) { bar.update($0) }
        bar.finish()
        let report = RewardDiagnostics(samples, examples: examples) { generator.tokenizer.decode([Int($0)]) }
        let writer = try JSONLWriter(path: out.appendingPathComponent("rollouts.jsonl").path)
        for s in samples {
            try writer.write(RolloutRow(record: s.recordID, prompt: s.prompt, text: s.text, truncated: s.truncated, reward: s.reward))
        }
        try writer.close()
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(report).write(to: out.appendingPathComponent("diagnostics.json"))
        let md = report.markdown(title: "Reward diagnostics: \(config)")
            + String(format: "\nSampling and rewarding took %.0f s.\n", Date().timeIntervalSince(t0))
        try md.write(to: out.appendingPathComponent("diagnostics.md"), atomically: true, encoding: .utf8)
        print(md)
    }

    /// One line of rollouts.jsonl.
    struct RolloutRow: Encodable {
        var record: String
        var prompt: String
        var text: String
        var truncated: Bool
        var reward: TokenRewards
    }
}
