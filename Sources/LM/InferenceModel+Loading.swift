// Building models from files: GGUF (kept quantized for inference) and safetensors + config.json (F32), via canonical names.
import Foundation
import ModelIO
import Tensor

extension LlamaConfig {
    /// The engine's config from ModelIO's file-independent hyperparameters.
    public init(_ hp: ModelHyperparameters) {
        self.init(modelType: hp.architecture, hiddenSize: hp.hiddenSize, numHiddenLayers: hp.numHiddenLayers,
                  numAttentionHeads: hp.numAttentionHeads, numKeyValueHeads: hp.numKeyValueHeads,
                  intermediateSize: hp.intermediateSize, vocabSize: hp.vocabSize, ropeTheta: Float(hp.ropeTheta),
                  rmsNormEps: Float(hp.rmsNormEps), tieWordEmbeddings: hp.tieWordEmbeddings,
                  attentionBias: hp.attentionBias, maxPositionEmbeddings: hp.maxPositionEmbeddings, headDim: hp.headDim)
    }
}

/// Whether `path` is a GGUF file (by magic), as opposed to a safetensors file or HF directory.
func isGGUF(_ path: String) -> Bool {
    guard let h = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? h.close() }
    return (try? h.read(upToCount: 4)) == Data("GGUF".utf8)
}

extension InferenceModel {
    /// Loads a GGUF file, or an HF model directory / `.safetensors` file with its `config.json`
    /// (sharded `model.safetensors.index.json` included).
    public static func load(path: String) throws -> InferenceModel {
        if isGGUF(path) { return try load(gguf: GGUFFile(path: path)) }
        return try load(safetensors: SafetensorsModel(path: path))
    }

    /// GGUF: projections stay in their quantized blocks inside the memory map.
    ///
    /// llama.cpp's converter row-permutes Q/K of `llama` models so that RoPE rotates adjacent pairs;
    /// rather than un-permuting quantized rows we rotate adjacent pairs (``ropeAdjacent``), which is
    /// the same function. `qwen2` is stored unpermuted and uses halves, like HF.
    public static func load(gguf g: GGUFFile) throws -> InferenceModel {
        let hp = try ModelHyperparameters(gguf: g)
        var config = LlamaConfig(hp)
        try config.validate()
        var byName: [String: GGUFTensorInfo] = [:]
        for t in g.tensors { if let c = WeightNames.canonical(t.name) { byName[c] = t } }
        func matrix(_ name: String, rows: Int, columns: Int) throws -> QuantizedMatrix {
            guard let t = byName[name] else { throw ModelIOError(file: g.path, reason: "missing tensor \(name)") }
            guard t.rows == rows, t.columns == columns else {
                throw ModelIOError(file: g.path, reason: "tensor \(name) is \(t.rows)x\(t.columns), expected \(rows)x\(columns)")
            }
            return try g.matrix(t.name)
        }
        func vector(_ name: String, _ n: Int) throws -> [Float] {
            guard let t = byName[name] else { throw ModelIOError(file: g.path, reason: "missing tensor \(name)") }
            guard t.elementCount == n else { throw ModelIOError(file: g.path, reason: "tensor \(name) has \(t.elementCount) values, expected \(n)") }
            return try g.dequantize(t.name)
        }
        let embedInfo = byName["embed_tokens.weight"]
        if let e = embedInfo, e.rows != config.vocabSize { config.vocabSize = e.rows }
        let src = WeightSource(matrix: matrix, vector: vector, has: { byName[$0] != nil })
        return try build(config: config, architecture: hp.architecture, ropeAdjacent: hp.architecture == "llama",
                         source: src, owner: g)
    }

    /// safetensors (+ config.json): weights are converted to F32 rows once at load.
    public static func load(safetensors m: SafetensorsModel) throws -> InferenceModel {
        guard let hp = m.config else { throw ModelIOError(file: m.directory, reason: "no config.json next to the weights") }
        let config = LlamaConfig(hp)
        try config.validate()
        let weights = try m.canonicalWeights()
        func get(_ name: String, _ n: Int) throws -> [Float] {
            guard let w = weights[name] else { throw ModelIOError(file: m.directory, reason: "missing tensor \(name)") }
            guard w.values.count == n else { throw ModelIOError(file: m.directory, reason: "tensor \(name) has \(w.values.count) values, expected \(n)") }
            return w.values
        }
        func matrix(_ name: String, rows: Int, columns: Int) throws -> QuantizedMatrix {
            let v = try get(name, rows * columns)
            return try QuantizedMatrix(type: .f32, rows: rows, columns: columns, blocks: v.withUnsafeBytes { Array($0) })
        }
        let src = WeightSource(matrix: matrix, vector: get, has: { weights[$0] != nil })
        return try build(config: config, architecture: hp.architecture, ropeAdjacent: false, source: src, owner: m)
    }

    struct WeightSource {
        var matrix: (String, Int, Int) throws -> QuantizedMatrix
        var vector: (String, Int) throws -> [Float]
        var has: (String) -> Bool
        init(matrix: @escaping (String, Int, Int) throws -> QuantizedMatrix, vector: @escaping (String, Int) throws -> [Float],
             has: @escaping (String) -> Bool) {
            self.matrix = { try matrix($0, $1, $2) }
            self.vector = vector
            self.has = has
        }
    }

    static func build(config c: LlamaConfig, architecture: String, ropeAdjacent: Bool, source s: WeightSource,
                      owner: AnyObject) throws -> InferenceModel {
        let (C, D, F, V) = (c.hiddenSize, c.resolvedHeadDim, c.intermediateSize, c.vocabSize)
        let (HD, GD) = (c.numAttentionHeads * D, c.numKeyValueHeads * D)
        var layers: [Layer] = []
        for i in 0..<c.numHiddenLayers {
            let p = "layers.\(i)."
            func bias(_ n: String, _ k: Int) throws -> [Float]? { s.has(p + n) ? try s.vector(p + n, k) : nil }
            layers.append(Layer(
                attnNorm: try s.vector(p + "input_layernorm.weight", C),
                q: try s.matrix(p + "self_attn.q_proj.weight", HD, C), k: try s.matrix(p + "self_attn.k_proj.weight", GD, C),
                v: try s.matrix(p + "self_attn.v_proj.weight", GD, C), o: try s.matrix(p + "self_attn.o_proj.weight", C, HD),
                qBias: try bias("self_attn.q_proj.bias", HD), kBias: try bias("self_attn.k_proj.bias", GD),
                vBias: try bias("self_attn.v_proj.bias", GD),
                ffnNorm: try s.vector(p + "post_attention_layernorm.weight", C),
                gate: try s.matrix(p + "mlp.gate_proj.weight", F, C), up: try s.matrix(p + "mlp.up_proj.weight", F, C),
                down: try s.matrix(p + "mlp.down_proj.weight", C, F)))
        }
        let embed = try s.matrix("embed_tokens.weight", V, C)
        let head = s.has("lm_head.weight") ? try s.matrix("lm_head.weight", V, C) : embed
        return InferenceModel(config: c, architecture: architecture, ropeAdjacent: ropeAdjacent, layers: layers,
                              embed: embed, head: head, norm: try s.vector("norm.weight", C), owner: owner)
    }
}

// MARK: - Training model

extension LlamaModel {
    /// A trainable F32 model from a GGUF file (dequantized, Q/K un-permuted for `llama`) or an HF
    /// safetensors checkpoint, named canonically; the value head starts fresh.
    public static func load(path: String, seed: UInt64 = 0) throws -> LlamaModel {
        var weights: [String: (shape: [Int], data: [Float])] = [:]
        let config: LlamaConfig
        if isGGUF(path) {
            let g = try GGUFFile(path: path)
            let hp = try ModelHyperparameters(gguf: g)
            config = LlamaConfig(hp)
            for t in g.tensors {
                guard let c = WeightNames.canonical(t.name) else { continue }
                var data = try g.dequantize(t.name)
                if WeightNames.isPermutedQK(c, architecture: hp.architecture), t.shape.count == 2 {
                    let heads = c.contains("q_proj") ? hp.numAttentionHeads : hp.numKeyValueHeads
                    data = unpermuteQK(data, rows: t.rows, columns: t.columns, heads: heads)
                }
                weights[hfName(c)] = (t.shape.count == 1 ? [t.elementCount] : [t.rows, t.columns], data)
            }
        } else {
            let m = try SafetensorsModel(path: path)
            guard let hp = m.config else { throw ModelIOError(file: path, reason: "no config.json next to the weights") }
            config = LlamaConfig(hp)
            for (c, w) in try m.canonicalWeights() { weights[hfName(c)] = (w.shape, w.values) }
        }
        // Every weight is overwritten below and the value head starts at zero, so nothing is drawn.
        var rng = SeededRNG(seed: seed)
        let model = try LlamaModel(config: config, rng: &rng, random: false)
        model.ropeLayout = .halfSplit
        try model.load(weights: weights, strict: true)
        return model
    }

    /// Canonical → the engine's HF-style parameter name.
    static func hfName(_ canonical: String) -> String { canonical.hasPrefix("lm_head.") ? canonical : "model." + canonical }
}
