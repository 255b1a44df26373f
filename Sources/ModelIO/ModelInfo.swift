// Human-readable summaries of model files (`srcode model info`).
import Foundation

/// Formats a GGUF or safetensors file's metadata and tensor table as text.
public enum ModelInfo {
    public static func describe(path: String, maxTensors: Int = 40) throws -> String {
        if path.hasSuffix(".safetensors") || path.hasSuffix(".json") || isDirectory(path) {
            return try describeSafetensors(try SafetensorsModel(path: path), maxTensors: maxTensors)
        }
        return describeGGUF(try GGUFFile(path: path), maxTensors: maxTensors)
    }

    static func isDirectory(_ p: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: p, isDirectory: &d) && d.boolValue
    }

    public static func describeGGUF(_ g: GGUFFile, maxTensors: Int) -> String {
        var s = "file: \(g.path)\nformat: GGUF v\(g.version), \(g.file.count) bytes, data at \(g.dataOffset), alignment \(g.alignment)\n"
        if let h = try? ModelHyperparameters(gguf: g) { s += "hyperparameters: \(h)\n" }
        s += "metadata (\(g.metadataKeys.count)):\n"
        for k in g.metadataKeys {
            var v = g.metadata[k]!.description
            if k == "tokenizer.chat_template" { v = "<\(g.metadata[k]!.asString?.utf8.count ?? 0) bytes>" }
            s += "  \(k) = \(v)\n"
        }
        var byType: [String: (Int, Int)] = [:]
        for t in g.tensors { let c = byType[t.type.description] ?? (0, 0); byType[t.type.description] = (c.0 + 1, c.1 + t.byteCount) }
        s += "tensors (\(g.tensors.count)): " + byType.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value.0) (\($0.value.1 >> 20) MiB)" }.joined(separator: ", ") + "\n"
        s += pad("name", 36) + pad("type", 6) + pad("shape", 16) + "bytes\n"
        for t in g.tensors.prefix(maxTensors) {
            s += pad(t.name, 36) + pad(t.type.description, 6) + pad(t.shape.map(String.init).joined(separator: "×"), 16) + "\(t.byteCount)\n"
        }
        if g.tensors.count > maxTensors { s += "… \(g.tensors.count - maxTensors) more (--all)\n" }
        return s
    }

    public static func describeSafetensors(_ m: SafetensorsModel, maxTensors: Int) throws -> String {
        var s = "files: \(m.files.map(\.path).joined(separator: ", "))\nformat: safetensors\n"
        if let c = m.config { s += "hyperparameters: \(c)\n" }
        let names = m.tensorNames
        s += "tensors (\(names.count)):\n"
        for n in names.prefix(maxTensors) {
            let t = m.info(n)!
            s += pad(n, 52) + pad(t.dtype.rawValue, 6) + t.shape.map(String.init).joined(separator: "×") + "\n"
        }
        if names.count > maxTensors { s += "… \(names.count - maxTensors) more (--all)\n" }
        return s
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
