// `srcode serve`: an OpenAI-compatible HTTP server for one model (see docs/GENERATION.md).
import ArgumentParser
import Foundation
import LM
import SRCodeServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve a model over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/completions, /v1/models).")
    @OptionGroup var options: SamplingOptions
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port (0 = any free port; the bound port is printed).") var port = 8080
    @Option(name: .customLong("max-prompt-tokens"), help: "Longest accepted prompt (capped by the model's context).") var maxPromptTokens = 16384
    @Option(name: .customLong("max-tokens-cap"), help: "Upper bound on a request's max_tokens.") var maxTokensCap = 1024
    @Option(name: .customLong("max-body-bytes"), help: "Largest accepted request body.") var maxBodyBytes = 1 << 20

    func run() async throws {
        let gen = try await options.loadGenerator()
        var limits = ServerLimits()
        limits.maxPromptTokens = maxPromptTokens
        limits.maxTokensCap = maxTokensCap
        limits.maxBodyBytes = maxBodyBytes
        let server = OpenAIServer(generator: gen, modelID: options.model, limits: limits)
        let (model, host) = (options.model, host)
        try await server.run(host: host, port: port) { bound in
            FileHandle.standardOutput.write(Data("srcode serve: model \(model) on http://\(host):\(bound)/v1\n".utf8))
        }
    }
}
