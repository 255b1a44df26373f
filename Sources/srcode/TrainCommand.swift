// `srcode train sft|ppo --config recipe.yaml`: the two training stages, each driven by one YAML recipe.
import ArgumentParser

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a code model: SFT on PrimeVul+, then PPO/GRPO with token-level security rewards.",
        subcommands: [TrainSFTCommand.self, TrainPPOCommand.self]
    )
}
