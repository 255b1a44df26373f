// `srcode train sft`: supervised fine-tuning on PrimeVul+ (implicit prompt → secure code).
import ArgumentParser
import Foundation
import Tensor
import Trainer

struct TrainSFTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft", abstract: "Fine-tune on PrimeVul+ (resumable: rerun the same command to continue).")

    @Option(help: "Recipe YAML (model, data, lora, sft, seed, output).") var config: String
    @Flag(help: "Fail on the first bad JSONL line or unknown recipe key instead of skipping it.") var strict = false
    @Option(help: "Threads for matmuls (OpenBLAS) and row kernels (default: SRCODE_THREADS or all cores).") var threads: Int?

    func run() async throws {
        let recipe = try Recipe.load(path: config, strict: strict, warn: { printError("warning: \($0)") })
        // OpenBLAS is already loaded here, so OPENBLAS_NUM_THREADS would come too late: set it directly.
        Engine.configure(threads: threads)
        let modelPath = try await resolveModel(recipe.model)
        let trainer = try SFTTrainer.load(recipe: recipe, modelPath: modelPath, strict: strict) { printError($0) }
        trainer.showProgress = true
        let s = try trainer.run()
        // tokens_seen counts every logged step; the rate is only meaningful when this process ran them all.
        let rate = s.resumedFrom == 0 ? String(format: "%.0f tok/s", Double(s.tokensSeen) / max(s.wallSeconds, 1e-9)) : "resumed at step \(s.resumedFrom)"
        print(String(format: "sft: %d steps, %.0f s, %d tokens (%@), loss %@, eval_loss %@ → %@",
                     s.steps, s.wallSeconds, s.tokensSeen, rate,
                     s.finalLoss.map { String(format: "%.4f", $0) } ?? "-", s.finalEvalLoss.map { String(format: "%.4f", $0) } ?? "-",
                     trainer.finalURL.path))
    }
}
