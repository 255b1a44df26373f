// Trained adapters in the form others download: only the LoRA tensors, in F16, metadata kept.
import Foundation

/// Writes the publishable copy of an adapter (issue 16: `results/adapters/`).
///
/// Why a separate copy: RL's `adapter.safetensors` and SFT's `final.safetensors` are F32 and the latter
/// also holds the value head and other training state; what a reader needs to re-evaluate a run is the
/// LoRA pairs and the metadata that says how to apply them (rank and alpha, or a scale folded into B).
/// F16 halves the size (a rank-24 q/k/v/o adapter of Qwen2.5-Coder-0.5B: about 6.5 MB) and rounds each
/// value by at most 2⁻¹¹ of its magnitude, far below what sampling at T 0.2 can see.
public enum AdapterPublisher {
    public struct Report: Sendable {
        /// LoRA tensors written.
        public var tensors: Int
        /// Values written.
        public var values: Int
        /// The largest |F16(x) − x| over all values.
        public var maxRoundingError: Float
    }

    /// Copies the `.lora_A.weight` / `.lora_B.weight` tensors of `source` (and its metadata) to
    /// `destination` as F16. Fails when `source` holds no LoRA pair.
    ///
    /// Metadata values that hold JSON (`config`, `lora`) are rewritten with sorted keys: checkpoints written
    /// before the writer sorted them differ in key order from run to run, and the published sha256 must
    /// depend only on the adapter, not on a dictionary's iteration order.
    public static func publish(from source: URL, to destination: URL) throws -> Report {
        let (tensors, meta) = try SafeTensors.read(source)
        let names = tensors.keys.filter { ($0.hasSuffix(".lora_A.weight") || $0.hasSuffix(".lora_B.weight")) && !$0.hasPrefix("optimizer.") }.sorted()
        guard !names.isEmpty else { throw LMError.badCheckpoint(path: source.path, reason: "no LoRA tensors (*.lora_A.weight, *.lora_B.weight)") }
        var report = Report(tensors: names.count, values: 0, maxRoundingError: 0)
        let arrays = names.map { name -> (name: String, shape: [Int], values: [Float]) in
            let t = tensors[name]!
            report.values += t.data.count
            for v in t.data { report.maxRoundingError = max(report.maxRoundingError, abs(Float(Float16(v)) - v)) }
            return (name, t.shape, t.data)
        }
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try SafeTensors.write(arrays: arrays, metadata: meta.mapValues(canonicalJSON), to: destination, dtype: .f16)
        return report
    }

    /// `value` re-serialized with sorted keys when it is a JSON object or array; anything else unchanged.
    public static func canonicalJSON(_ value: String) -> String {
        guard let first = value.utf8.first(where: { $0 != 0x20 && $0 != 0x0A }), first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
              let object = try? JSONSerialization.jsonObject(with: Data(value.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return value }
        return String(decoding: data, as: UTF8.self)
    }
}
