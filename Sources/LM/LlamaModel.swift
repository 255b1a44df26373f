// LlamaModel: a Llama-family decoder (SmolLM2, Qwen2/2.5) with a value head and optional LoRA, trained by the tape.
import Foundation
import Tensor

// Legend: B batch, T time, N = B·T tokens, C hidden, H query heads, G KV heads, D head dim, F ffn, V vocab.

/// One decoder block's parameters.
public final class DecoderLayer {
    let inputNorm: Tensor          // (C)
    let q, k, v, o: Projection     // (H·D, C) (G·D, C) (G·D, C) (C, H·D)
    let postNorm: Tensor           // (C)
    let gate, up, down: Projection // (F, C) (F, C) (C, F)

    init(_ i: Int, _ c: LlamaConfig, rng: inout SeededRNG, random: Bool = true) {
        let p = "model.layers.\(i)."
        let (C, D, F) = (c.hiddenSize, c.resolvedHeadDim, c.intermediateSize)
        inputNorm = LlamaModel.ones([C], p + "input_layernorm.weight")
        q = Projection(p + "self_attn.q_proj", out: c.numAttentionHeads * D, in: C, bias: c.qkvBias, rng: &rng, random: random)
        k = Projection(p + "self_attn.k_proj", out: c.numKeyValueHeads * D, in: C, bias: c.qkvBias, rng: &rng, random: random)
        v = Projection(p + "self_attn.v_proj", out: c.numKeyValueHeads * D, in: C, bias: c.qkvBias, rng: &rng, random: random)
        o = Projection(p + "self_attn.o_proj", out: C, in: c.numAttentionHeads * D, bias: false, rng: &rng, random: random)
        postNorm = LlamaModel.ones([C], p + "post_attention_layernorm.weight")
        gate = Projection(p + "mlp.gate_proj", out: F, in: C, bias: false, rng: &rng, random: random)
        up = Projection(p + "mlp.up_proj", out: F, in: C, bias: false, rng: &rng, random: random)
        down = Projection(p + "mlp.down_proj", out: C, in: F, bias: false, rng: &rng, random: random)
    }

    var projections: [(String, Projection)] {
        [("q_proj", q), ("k_proj", k), ("v_proj", v), ("o_proj", o), ("gate_proj", gate), ("up_proj", up), ("down_proj", down)]
    }
}

/// A Llama-family causal LM whose parameters are named exactly as in Hugging Face checkpoints.
///
/// ```swift
/// var rng = SeededRNG(seed: 0)
/// let model = try LlamaModel(config: config, rng: &rng)
/// let loss = try model.loss(tokens: batch.inputs, targets: batch.targets, batch: 4)
/// try loss.backward()
/// optimizer.step()
/// ```
public final class LlamaModel {
    public let config: LlamaConfig
    public let embedTokens: Tensor // (V, C)
    public let layers: [DecoderLayer]
    public let norm: Tensor        // (C)
    public let lmHead: Tensor?     // (V, C), nil when tied to embed_tokens
    public let valueHead: Projection // (1, C): PPO's critic on the final hidden state
    public private(set) var lora: LoRAConfig?
    /// RoPE pair layout: HF checkpoints use half-split; GGUF-converted Q/K weights use adjacent pairs.
    public var ropeLayout: RopeLayout = .halfSplit
    /// The precision of GEMMs against frozen weights, as it runs here (``setPrecision(_:)``); `.f32` until set.
    public internal(set) var precision: ComputePrecision = .f32

    /// A model with freshly initialized weights (normal(0, 0.02), norms 1, biases 0), drawn from `rng`.
    public convenience init(config: LlamaConfig, lora: LoRAConfig? = nil, rng: inout SeededRNG) throws {
        try self.init(config: config, lora: lora, rng: &rng, random: true)
    }

    /// `random: false` leaves the weight matrices at zero and draws nothing: for a loader that overwrites
    /// every one of them (``load(path:seed:)``), where drawing 494M normals for Qwen2.5-0.5B cost about
    /// 10 s of each start.
    init(config: LlamaConfig, lora: LoRAConfig? = nil, rng: inout SeededRNG, random: Bool) throws {
        try config.validate()
        self.config = config
        let (C, V) = (config.hiddenSize, config.vocabSize)
        embedTokens = Projection.weight([V, C], rng: &rng, random: random, name: "model.embed_tokens.weight")
        layers = (0..<config.numHiddenLayers).map { DecoderLayer($0, config, rng: &rng, random: random) }
        norm = LlamaModel.ones([C], "model.norm.weight")
        lmHead = config.tieWordEmbeddings ? nil : Projection.weight([V, C], rng: &rng, random: random, name: "lm_head.weight")
        valueHead = Projection("value_head", out: 1, in: C, bias: true, rng: &rng, random: random)
        // The critic starts at exactly zero (with random weights the draw above still runs, so every other
        // weight keeps its seed). A random head on a real checkpoint's final hidden state (Qwen's final-norm gain is large)
        // gives values with a spread of about 4 against token rewards of about 0.05: the first value
        // losses would be ~100× the policy loss and their gradient, flowing into the shared LoRA trunk,
        // would drown the policy's. A zero head gives V = 0, so the first GAE steps see the plain returns.
        valueHead.weight.data.update(repeating: 0, count: valueHead.weight.count)
        if let lora { try addLoRA(lora, rng: &rng) }
    }

    static func ones(_ shape: [Int], _ name: String) -> Tensor {
        let t = Tensor(zeros: shape, requiresGrad: true, name: name)
        t.data.update(repeating: 1, count: t.count)
        return t
    }

    /// Attaches LoRA adapters to the named projections and freezes everything else (base and value head
    /// stay frozen unless `unfreeze` is called on them).
    public func addLoRA(_ config: LoRAConfig, rng: inout SeededRNG) throws {
        guard config.rank > 0 else { throw LMError.invalidConfig(field: "rank", reason: "LoRA rank must be positive") }
        let known = Set(layers.first?.projections.map(\.0) ?? [])
        if let bad = config.targets.first(where: { !known.contains($0) }) {
            throw LMError.invalidConfig(field: "targets", reason: "unknown projection '\(bad)'")
        }
        lora = config
        for p in parameters() { p.tensor.requiresGrad = false }
        for layer in layers { for (name, p) in layer.projections where config.targets.contains(name) { p.addLoRA(config, rng: &rng) } }
        for t in valueHead.tensors { t.requiresGrad = true }
        refreshPrecision()
    }

    /// ``addLoRA(_:rng:)`` with adapter weights drawn from `seed` (for callers that hold no RNG).
    public func addLoRA(_ config: LoRAConfig, seed: UInt64) throws {
        var rng = SeededRNG(seed: seed)
        try addLoRA(config, rng: &rng)
    }

    /// Runs `body` with every LoRA adapter switched off: the model is then exactly its frozen base.
    ///
    /// Why: with LoRA, PPO's reference policy is the base model, so the KL term needs no second copy of
    /// the weights (half a gigabyte of F32 per 135M parameters), only a second forward pass.
    public func withoutAdapters<T>(_ body: () throws -> T) rethrows -> T {
        let all = layers.flatMap { $0.projections.map(\.1) }
        for p in all { p.adapterEnabled = false }
        defer { for p in all { p.adapterEnabled = true } }
        return try body()
    }

    /// The LM head weight (V, C): the embedding table when tied.
    public var head: Tensor { lmHead ?? embedTokens }

    // MARK: - Parameters by name

    /// Every tensor with its checkpoint name, in a fixed order (embedding, layers, norm, head, value head, LoRA).
    public func parameters() -> [(name: String, tensor: Tensor)] {
        var all = [embedTokens]
        for l in layers {
            all.append(l.inputNorm)
            all += l.q.tensors + l.k.tensors + l.v.tensors + l.o.tensors
            all.append(l.postNorm)
            all += l.gate.tensors + l.up.tensors + l.down.tensors
        }
        all.append(norm)
        if let lmHead { all.append(lmHead) }
        all += valueHead.tensors
        return all.map { ($0.name, $0) }
    }

    /// The parameters the optimizer updates.
    public func trainableParameters() -> [(name: String, tensor: Tensor)] { parameters().filter { $0.tensor.requiresGrad } }

    /// Copies weights in by checkpoint name. Every tensor of the model must be present unless
    /// `strict` is false (then missing ones keep their values, e.g. a fresh value head or LoRA).
    /// Unknown names are returned so loaders can report or ignore them.
    @discardableResult
    public func load(weights: [String: (shape: [Int], data: [Float])], strict: Bool = true) throws -> [String] {
        for (name, t) in parameters() {
            guard let w = weights[name] else {
                if strict, !name.hasPrefix("value_head."), !name.contains(".lora_") { throw LMError.missingWeight(name: name) }
                continue
            }
            guard w.shape == t.shape, w.data.count == t.count else {
                throw LMError.weightShape(name: name, expected: t.shape, got: w.shape)
            }
            try t.copy(from: w.data)
        }
        refreshPrecision()
        let known = Set(parameters().map(\.name))
        return weights.keys.filter { !known.contains($0) }.sorted()
    }

    /// Clears accumulated gradients of every parameter.
    public func zeroGrad() { for p in parameters() { p.tensor.zeroGrad() } }
}
