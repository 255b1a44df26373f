// `srcode train sft`: supervised fine-tuning on PrimeVul+ (implicit prompt → secure code).
import ArgumentParser
import Foundation
import Trainer

struct TrainSFTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft", abstract: "Fine-tune on PrimeVul+ (resumable: rerun the same command to continue).")

    @Option(help: "Recipe YAML (model, data, lora, sft, seed, output).") var config: String

    func run() async throws {
        let recipe = try Recipe.load(path: config)
        throw ValidationError("train sft is not wired yet (recipe \(recipe.output))")
    }
}
