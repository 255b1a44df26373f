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
        try SafeTensors.write(arrays: arrays, metadata: meta, to: destination, dtype: .f16)
        return report
    }
}
