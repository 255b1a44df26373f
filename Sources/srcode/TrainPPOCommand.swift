// `srcode train ppo`: RL with token-level (or instance-level) security rewards, PPO or GRPO.
import ArgumentParser
import Foundation
import Trainer

struct TrainPPOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ppo", abstract: "PPO/GRPO with security rewards (resumable: rerun the same command to continue).")

    @Option(help: "Recipe YAML (model, init, data, lora, ppo, rollout, reward, seed, output).") var config: String

    func run() async throws {
        let recipe = try Recipe.load(path: config)
        throw ValidationError("train ppo is not wired yet (recipe \(recipe.output))")
    }
}
