// ModelSpec: a `--model` argument of `eval secure`: `[label=]spec[@adapter]`.
import Foundation

/// One model arm: a label for tables, the base model spec, and an optional training checkpoint.
///
/// `base=qwen2.5-coder-0.5b`, `sft=qwen2.5-coder-0.5b@runs/sft/ckpt-400.safetensors`, or a bare spec
/// (the label is then the spec's file name). `@` splits at its last occurrence, and only when what
/// follows looks like a path to a file (ends in `.safetensors`, or exists), so specs such as
/// `hf:org/repo@rev` keep their own `@`.
public struct ModelSpec: Sendable, Equatable {
    public var label: String
    public var spec: String
    public var adapter: String?

    public init(label: String, spec: String, adapter: String? = nil) {
        self.label = label
        self.spec = spec
        self.adapter = adapter
    }

    public init(parsing arg: String) throws {
        var rest = arg
        var label: String?
        if let eq = arg.firstIndex(of: "="), !arg[..<eq].contains("/"), !arg[..<eq].isEmpty {
            label = String(arg[..<eq])
            rest = String(arg[arg.index(after: eq)...])
        }
        var adapter: String?
        if let at = rest.lastIndex(of: "@") {
            let tail = String(rest[rest.index(after: at)...])
            if tail.hasSuffix(".safetensors") || FileManager.default.fileExists(atPath: tail) {
                adapter = tail
                rest = String(rest[..<at])
            }
        }
        guard !rest.isEmpty else { throw EvalError.invalid("--model \(arg): empty model spec (expected [label=]spec[@adapter.safetensors])") }
        // A file's name loses its extension (model.gguf → model); an alias keeps its dots (qwen2.5-coder-0.5b).
        let name = (rest as NSString).lastPathComponent
        let isFile = ["gguf", "safetensors"].contains((name as NSString).pathExtension) || FileManager.default.fileExists(atPath: rest)
        let fallback = isFile ? (name as NSString).deletingPathExtension : name
        self.init(label: label ?? (adapter.map { fallback + "+" + (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? fallback),
                  spec: rest, adapter: adapter)
        guard !self.label.contains("/"), self.label != ".", self.label != ".." else {
            throw EvalError.invalid("--model \(arg): label \(self.label) cannot name an output folder")
        }
    }
}
