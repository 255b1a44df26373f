// Architecture hyperparameters, read from GGUF metadata or an HF config.json into one shape.
import Foundation

/// The hyperparameters a decoder-only LM (Llama / Qwen2 / SmolLM families) needs, whichever file
/// they came from. The LM target builds its model from this; names follow HF `config.json`.
public struct ModelHyperparameters: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `llama` or `qwen2` (GGUF `general.architecture`; HF `model_type`).
    public var architecture: String
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var rmsNormEps: Double
    /// True when the output projection reuses the token embedding (no `output.weight` / `lm_head`).
    public var tieWordEmbeddings: Bool
    /// Qwen2 has biases on q/k/v projections.
    public var attentionBias: Bool

    enum CodingKeys: String, CodingKey {
        case architecture = "model_type", vocabSize = "vocab_size", hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim", maxPositionEmbeddings = "max_position_embeddings"
        case ropeTheta = "rope_theta", rmsNormEps = "rms_norm_eps", tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias"
    }

    public var description: String {
        "\(architecture) L=\(numHiddenLayers) C=\(hiddenSize) FF=\(intermediateSize) heads=\(numAttentionHeads)/\(numKeyValueHeads)×\(headDim) V=\(vocabSize) ctx=\(maxPositionEmbeddings) θ=\(ropeTheta) eps=\(rmsNormEps) tied=\(tieWordEmbeddings) qkv-bias=\(attentionBias)"
    }

    // MARK: - From GGUF

    public init(gguf g: GGUFFile) throws {
        guard let arch = g.architecture else { throw ModelIOError(file: g.path, reason: "no general.architecture") }
        func int(_ k: String) throws -> Int {
            guard let v = g.arch(k)?.asInt, v > 0, v < 1 << 31 else { throw ModelIOError(file: g.path, reason: "missing or invalid \(arch).\(k)") }
            return v
        }
        architecture = arch
        hiddenSize = try int("embedding_length")
        intermediateSize = try int("feed_forward_length")
        numHiddenLayers = try int("block_count")
        numAttentionHeads = try int("attention.head_count")
        numKeyValueHeads = g.arch("attention.head_count_kv")?.asInt ?? numAttentionHeads
        headDim = g.arch("attention.key_length")?.asInt ?? hiddenSize / numAttentionHeads
        maxPositionEmbeddings = g.arch("context_length")?.asInt ?? 2048
        ropeTheta = g.arch("rope.freq_base")?.asDouble ?? 10000
        rmsNormEps = g.arch("attention.layer_norm_rms_epsilon")?.asDouble ?? 1e-5
        vocabSize = g.arch("vocab_size")?.asInt ?? g.metadata["tokenizer.ggml.tokens"]?.asStrings?.count
            ?? g.info("token_embd.weight")?.rows ?? 0
        tieWordEmbeddings = g.info("output.weight") == nil
        attentionBias = g.info("blk.0.attn_q.bias") != nil
        guard numAttentionHeads % max(numKeyValueHeads, 1) == 0, numKeyValueHeads > 0 else {
            throw ModelIOError(file: g.path, reason: "head_count \(numAttentionHeads) is not a multiple of head_count_kv \(numKeyValueHeads)")
        }
    }

    // MARK: - From HF config.json

    public init(configJSON path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelIOError(file: path, reason: "cannot read") }
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelIOError(file: path, reason: "not a JSON object")
        }
        func int(_ k: String, _ d: Int? = nil) throws -> Int {
            if let v = (o[k] as? NSNumber)?.intValue, v > 0, v < 1 << 31 { return v }
            if let d { return d }
            throw ModelIOError(file: path, reason: "missing or invalid \(k)")
        }
        architecture = o["model_type"] as? String ?? "llama"
        vocabSize = try int("vocab_size")
        hiddenSize = try int("hidden_size")
        intermediateSize = try int("intermediate_size")
        numHiddenLayers = try int("num_hidden_layers")
        numAttentionHeads = try int("num_attention_heads")
        numKeyValueHeads = try int("num_key_value_heads", numAttentionHeads)
        headDim = try int("head_dim", hiddenSize / numAttentionHeads)
        maxPositionEmbeddings = try int("max_position_embeddings", 2048)
        ropeTheta = (o["rope_theta"] as? NSNumber)?.doubleValue ?? 10000
        rmsNormEps = (o["rms_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-6
        tieWordEmbeddings = o["tie_word_embeddings"] as? Bool ?? false
        attentionBias = o["attention_bias"] as? Bool ?? (architecture == "qwen2")
    }
}
