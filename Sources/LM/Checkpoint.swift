// Checkpoint: weights + AdamW moments + step + RNG state in one safetensors file, restored bit-exact.
import Foundation
import Tensor

/// Everything needed to continue a run as if it had never stopped.
///
/// Layout: parameters under their model names (for LoRA runs only the trainable ones); moments as `optimizer.m.<name>` / `optimizer.v.<name>`;
/// `__metadata__` holds `step`, `optimizer_step`, `rng` (four hex words), `lr` settings, the config JSON and,
/// for LoRA runs, the adapter settings (`lora`).
public enum Checkpoint {
    public static func save(model: LlamaModel, optimizer: AdamW, step: Int, rng: SeededRNG, to url: URL) throws {
        // A LoRA run changes only its trainable tensors (adapters, value head); the frozen base is
        // re-read from the model file on resume, so it is not written (MBs instead of GBs per save).
        let saved = model.lora == nil ? model.parameters() : model.trainableParameters()
        var tensors: [(name: String, shape: [Int], data: UnsafePointer<Float>)] = saved.map {
            ($0.name, $0.tensor.shape, UnsafePointer($0.tensor.data))
        }
        for (i, p) in optimizer.parameters.enumerated() {
            tensors.append((optimizer.m[i].name, p.tensor.shape, UnsafePointer(optimizer.m[i].data)))
            tensors.append((optimizer.v[i].name, p.tensor.shape, UnsafePointer(optimizer.v[i].data)))
        }
        // Sorted keys: the same state always writes the same bytes, so published hashes are reproducible.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config = String(decoding: try encoder.encode(model.config), as: UTF8.self)
        let optimizerConfig = String(decoding: try encoder.encode(optimizer.config), as: UTF8.self)
        var metadata = [
            "format": "srcode-checkpoint-1", "step": String(step), "optimizer_step": String(optimizer.stepCount),
            "rng": rng.stateArray.map { String($0, radix: 16) }.joined(separator: ","),
            "config": config, "optimizer": optimizerConfig,
        ]
        // The adapter's scale (α/r) is not in its tensors; generation needs it to merge the adapter.
        if let lora = model.lora { metadata["lora"] = String(decoding: try encoder.encode(lora), as: UTF8.self) }
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// Restores weights and optimizer moments in place; returns the saved step and RNG.
    public static func restore(model: LlamaModel, optimizer: AdamW, from url: URL) throws -> (step: Int, rng: SeededRNG) {
        let (tensors, meta) = try SafeTensors.read(url)
        guard meta["format"] == "srcode-checkpoint-1", let step = meta["step"].flatMap({ Int($0) }),
              let optStep = meta["optimizer_step"].flatMap({ Int($0) }) else {
            throw LMError.badCheckpoint(path: url.path, reason: "missing srcode metadata (format, step, optimizer_step)")
        }
        let words = (meta["rng"] ?? "").split(separator: ",").compactMap { UInt64($0, radix: 16) }
        guard words.count == 4 else { throw LMError.badCheckpoint(path: url.path, reason: "rng state is not four words") }
        if meta["lora"] != nil {
            // Adapter checkpoint: every trainable tensor must be there; the frozen base stays as loaded.
            for (name, _) in model.trainableParameters() where tensors[name] == nil { throw LMError.missingWeight(name: name) }
            try model.load(weights: tensors, strict: false)
        } else {
            try model.load(weights: tensors, strict: true)
        }
        for (i, p) in optimizer.parameters.enumerated() {
            for (moment, t) in [(optimizer.m[i].name, optimizer.m[i]), (optimizer.v[i].name, optimizer.v[i])] {
                guard let w = tensors[moment] else { throw LMError.missingWeight(name: moment) }
                guard w.shape == p.tensor.shape else { throw LMError.weightShape(name: moment, expected: p.tensor.shape, got: w.shape) }
                try t.copy(from: w.data)
            }
        }
        optimizer.stepCount = optStep
        return (step, SeededRNG(state: words))
    }
}
