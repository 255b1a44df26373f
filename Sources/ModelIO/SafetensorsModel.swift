// An HF checkpoint directory: config.json plus one or more (sharded) safetensors files.
import Foundation

/// A Hugging Face checkpoint: `config.json` and `model.safetensors`, or shards listed in
/// `model.safetensors.index.json` (`weight_map`: tensor name → shard file).
///
/// ```swift
/// let m = try SafetensorsModel(path: "Qwen2.5-Coder-0.5B-Instruct/")
/// let w = try m.floats("model.layers.0.self_attn.q_proj.weight")
/// ```
public final class SafetensorsModel: @unchecked Sendable {
    public let directory: String
    public let files: [SafetensorsFile]
    public let config: ModelHyperparameters?
    /// Tensor name → index in `files`.
    private let location: [String: Int]

    /// `path` is a directory, a `.safetensors` file, or a `model.safetensors.index.json`.
    public init(path: String) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw ModelIOError(file: path, reason: "no such file or directory") }
        let dir = isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
        directory = dir
        var shardNames: [String]
        var expected: [String: String] = [:]
        let index = path.hasSuffix(".index.json") ? path : dir + "/model.safetensors.index.json"
        if path.hasSuffix(".safetensors") {
            shardNames = [(path as NSString).lastPathComponent]
        } else if fm.fileExists(atPath: index) {
            guard let d = fm.contents(atPath: index), let o = (try? JSONSerialization.jsonObject(with: d)) as? [String: Any],
                  let map = o["weight_map"] as? [String: String] else {
                throw ModelIOError(file: index, reason: "no weight_map object")
            }
            for (k, v) in map {
                guard !v.contains("/"), v.hasSuffix(".safetensors") else { throw ModelIOError(file: index, reason: "shard name \(v) for \(k) is not a local .safetensors file") }
                expected[k] = v
            }
            shardNames = Array(Set(map.values)).sorted()
        } else if fm.fileExists(atPath: dir + "/model.safetensors") {
            shardNames = ["model.safetensors"]
        } else {
            throw ModelIOError(file: dir, reason: "no model.safetensors or model.safetensors.index.json")
        }
        let loaded = try shardNames.map { try SafetensorsFile(path: dir + "/" + $0) }
        files = loaded
        var loc: [String: Int] = [:]
        for (i, f) in loaded.enumerated() {
            for name in f.tensors.keys {
                if loc[name] != nil { throw ModelIOError(file: f.path, reason: "tensor \(name) appears in two shards") }
                loc[name] = i
            }
        }
        for (k, shard) in expected where loc[k].map({ loaded[$0].path.hasSuffix("/" + shard) }) != true {
            throw ModelIOError(file: index, reason: "index lists \(k) in \(shard), but that shard does not contain it")
        }
        location = loc
        let cfg = dir + "/config.json"
        config = fm.fileExists(atPath: cfg) ? try ModelHyperparameters(configJSON: cfg) : nil
    }

    public var tensorNames: [String] { location.keys.sorted() }

    public func info(_ name: String) -> SafetensorsTensorInfo? { location[name].flatMap { files[$0].tensors[name] } }

    public func floats(_ name: String) throws -> [Float] {
        guard let i = location[name] else { throw ModelIOError(file: directory, reason: "no tensor named \(name)") }
        return try files[i].floats(name)
    }

    /// All weights under canonical names (see ``WeightNames``), as Float32.
    public func canonicalWeights() throws -> [String: (shape: [Int], values: [Float])] {
        var raw: [String: (shape: [Int], values: [Float])] = [:]
        for n in tensorNames where WeightNames.canonical(n) != nil { raw[n] = (info(n)!.shape, try floats(n)) }
        return try WeightNames.sanitize(raw, file: directory)
    }
}
