// Trained weights into the fast decoder: LoRA deltas merged into F32 rows, everything else left quantized.
import Foundation
import ModelIO
import Tensor

// Legend: O projection rows (out), I columns (in), r LoRA rank.

extension InferenceModel {
    /// A decoder that computes what `model` computes (e.g. to serve or chat with a model in training).
    /// RL rollouts do not use it: they sample on the policy itself (``LlamaModel/generate(prompts:params:stopTokens:tokenizer:batchSize:)``).
    ///
    /// Why merge instead of decoding through ``LlamaModel``: a LoRA policy differs from its base only in
    /// the adapted projections, so those become F32 `W + (α/r)·B·A` and every other matrix stays in its
    /// quantized blocks: rollouts run at (nearly) the quantized model's speed. `model` must have been
    /// loaded from this decoder's file. Without LoRA (full fine-tuning) every weight is taken from `model`.
    public func adapted(from model: LlamaModel) throws -> InferenceModel {
        guard model.config.numHiddenLayers == layers.count, model.config.hiddenSize == config.hiddenSize else {
            throw LMError.invalidConfig(field: "adapter", reason: "the trained model's shape differs from the base decoder's")
        }
        guard model.lora != nil else { return try replacingAll(from: model) }
        var deltas: [LoRADelta] = []
        for (i, layer) in model.layers.enumerated() {
            for (name, p) in layer.projections {
                guard let a = p.loraA, let b = p.loraB else { continue }
                deltas.append(LoRADelta(layer: i, projection: name, rows: b.shape[0], columns: a.shape[1],
                                        values: loraDelta(a: a.data, b: b.data, rows: b.shape[0], rank: a.shape[0],
                                                          columns: a.shape[1], scale: p.loraScale)))
            }
        }
        return try merging(deltas)
    }

    /// The decoder with a training checkpoint applied (``Checkpoint`` format, or any safetensors file
    /// with the same names): its LoRA tensors merged when it has them, else all its weights.
    public func adapted(checkpoint path: String) throws -> InferenceModel {
        let url = URL(fileURLWithPath: path)
        let (tensors, meta) = try SafeTensors.read(url)
        guard tensors.keys.contains(where: { $0.hasSuffix(".lora_A.weight") && !$0.hasPrefix("optimizer.") }) else {
            // Full fine-tuning: rebuild the trained model from the checkpoint's own weights.
            var rng = SeededRNG(seed: 0)
            let model = try LlamaModel(config: config, rng: &rng)
            model.ropeLayout = .halfSplit
            try model.load(weights: tensors, strict: true)
            return try replacingAll(from: model)
        }
        var deltas: [LoRADelta] = []
        for pair in try LlamaModel.loraPairs(tensors, meta: meta, path: path) {
            let parts = pair.prefix.split(separator: ".")  // model.layers.<i>.<self_attn|mlp>.<projection>
            guard parts.count == 5, let i = Int(parts[2]) else {
                throw LMError.badCheckpoint(path: path, reason: "LoRA pair \(pair.prefix) is not a layer projection")
            }
            deltas.append(LoRADelta(layer: i, projection: String(parts[4]), rows: pair.rows, columns: pair.columns, values: pair.delta()))
        }
        return try merging(deltas)
    }

    // MARK: - Merging

    /// One projection's low-rank update in HF layout.
    struct LoRADelta {
        var layer: Int
        var projection: String
        var rows: Int, columns: Int
        var values: [Float]
    }

    func merging(_ deltas: [LoRADelta]) throws -> InferenceModel {
        var newLayers = layers
        for d in deltas {
            guard d.layer < layers.count, let path = Self.matrixPath(d.projection) else {
                throw LMError.invalidConfig(field: "adapter", reason: "no projection \(d.projection) in layer \(d.layer)")
            }
            let base = layers[d.layer][keyPath: path]
            guard base.rows == d.rows, base.columns == d.columns else {
                throw LMError.weightShape(name: "layers.\(d.layer).\(d.projection)", expected: [base.rows, base.columns], got: [d.rows, d.columns])
            }
            var merged = toDecoderLayout(d.values, d.projection, rows: d.rows, columns: d.columns)
            merged.withUnsafeMutableBufferPointer { m in
                var row = [Float](repeating: 0, count: d.columns)
                for r in 0..<d.rows {
                    row.withUnsafeMutableBufferPointer { base.dequantizeRow(r, into: $0.baseAddress!) }
                    let dst = m.baseAddress! + r * d.columns
                    for c in 0..<d.columns { dst[c] += row[c] }
                }
            }
            newLayers[d.layer][keyPath: path] = try Self.f32(merged, rows: d.rows, columns: d.columns)
        }
        return InferenceModel(config: config, architecture: architecture, ropeAdjacent: ropeAdjacent, layers: newLayers,
                              embed: embed, head: head, norm: norm, owner: owner)
    }

    /// Full fine-tuning: every matrix, norm and bias from `model`, as F32.
    func replacingAll(from model: LlamaModel) throws -> InferenceModel {
        func values(_ t: Tensor) -> [Float] { Array(UnsafeBufferPointer(start: t.data, count: t.count)) }
        var newLayers = layers
        for (i, trained) in model.layers.enumerated() {
            for (name, p) in trained.projections {
                let (O, I) = (p.weight.shape[0], p.weight.shape[1])
                newLayers[i][keyPath: Self.matrixPath(name)!] = try Self.f32(toDecoderLayout(values(p.weight), name, rows: O, columns: I),
                                                                             rows: O, columns: I)
            }
            newLayers[i].attnNorm = values(trained.inputNorm)
            newLayers[i].ffnNorm = values(trained.postNorm)
            if let b = trained.q.bias { newLayers[i].qBias = toDecoderLayout(values(b), "q_proj", rows: b.count, columns: 1) }
            if let b = trained.k.bias { newLayers[i].kBias = toDecoderLayout(values(b), "k_proj", rows: b.count, columns: 1) }
            if let b = trained.v.bias { newLayers[i].vBias = values(b) }
        }
        let (V, C) = (config.vocabSize, config.hiddenSize)
        let embed = try Self.f32(values(model.embedTokens), rows: V, columns: C)
        let head = try model.lmHead.map { try Self.f32(values($0), rows: V, columns: C) } ?? embed
        return InferenceModel(config: config, architecture: architecture, ropeAdjacent: ropeAdjacent, layers: newLayers,
                              embed: embed, head: head, norm: values(model.norm), owner: owner)
    }

    /// HF layout → this decoder's (GGUF `llama` keeps Q/K rows permuted for adjacent-pair RoPE).
    func toDecoderLayout(_ w: [Float], _ projection: String, rows: Int, columns: Int) -> [Float] {
        guard ropeAdjacent, projection == "q_proj" || projection == "k_proj" else { return w }
        return permuteQK(w, rows: rows, columns: columns,
                         heads: projection == "q_proj" ? config.numAttentionHeads : config.numKeyValueHeads)
    }

    static func f32(_ w: [Float], rows: Int, columns: Int) throws -> QuantizedMatrix {
        try QuantizedMatrix(type: .f32, rows: rows, columns: columns, blocks: w.withUnsafeBytes { Array($0) })
    }

    static func matrixPath(_ name: String) -> WritableKeyPath<Layer, QuantizedMatrix>? {
        switch name {
        case "q_proj": \.q
        case "k_proj": \.k
        case "v_proj": \.v
        case "o_proj": \.o
        case "gate_proj": \.gate
        case "up_proj": \.up
        case "down_proj": \.down
        default: nil
        }
    }
}

/// (α/r)·B·A as an (O, I) row-major array: B (O, r), A (r, I).
func loraDelta(a: UnsafePointer<Float>, b: UnsafePointer<Float>, rows O: Int, rank r: Int, columns I: Int, scale: Float) -> [Float] {
    var out = [Float](repeating: 0, count: O * I)
    out.withUnsafeMutableBufferPointer { o in
        for i in 0..<O {
            let row = o.baseAddress! + i * I
            for k in 0..<r {
                let w = scale * b[i * r + k], ar = a + k * I
                for j in 0..<I { row[j] += w * ar[j] }
            }
        }
    }
    return out
}
