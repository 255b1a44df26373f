// LlamaConfig: the Llama-family architecture (SmolLM2, Qwen2/2.5) read from a Hugging Face config.json.
import Foundation
import Tensor

/// Architecture hyper-parameters under their Hugging Face `config.json` names.
///
/// Qwen2 checkpoints carry biases on the q/k/v projections without saying so in a flag: the
/// `model_type` "qwen2" implies them (Llama's own `attention_bias` flag is honoured too).
///
/// ```swift
/// let config = try LlamaConfig.load(from: URL(fileURLWithPath: "config.json"))
/// ```
public struct LlamaConfig: Codable, Sendable, Equatable {
    public var modelType: String
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var intermediateSize: Int
    public var vocabSize: Int
    public var ropeTheta: Float
    public var rmsNormEps: Float
    public var tieWordEmbeddings: Bool
    public var attentionBias: Bool
    public var maxPositionEmbeddings: Int
    /// Head width; HF derives it as hidden / heads when absent.
    public var headDim: Int?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case intermediateSize = "intermediate_size"
        case vocabSize = "vocab_size"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias"
        case maxPositionEmbeddings = "max_position_embeddings"
        case headDim = "head_dim"
    }

    public init(
        modelType: String = "llama", hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
        numKeyValueHeads: Int, intermediateSize: Int, vocabSize: Int, ropeTheta: Float = 10000,
        rmsNormEps: Float = 1e-5, tieWordEmbeddings: Bool = true, attentionBias: Bool = false,
        maxPositionEmbeddings: Int = 2048, headDim: Int? = nil
    ) {
        self.modelType = modelType
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads
        self.intermediateSize = intermediateSize
        self.vocabSize = vocabSize
        self.ropeTheta = ropeTheta
        self.rmsNormEps = rmsNormEps
        self.tieWordEmbeddings = tieWordEmbeddings
        self.attentionBias = attentionBias
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.headDim = headDim
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func required<T: Decodable>(_ key: CodingKeys, _ type: T.Type) throws -> T {
            do { return try c.decode(T.self, forKey: key) } catch {
                throw LMError.invalidConfig(field: key.rawValue, reason: c.contains(key) ? "wrong type" : "missing")
            }
        }
        func optional<T: Decodable>(_ key: CodingKeys, _ type: T.Type) throws -> T? {
            guard c.contains(key), !((try? c.decodeNil(forKey: key)) ?? false) else { return nil }
            do { return try c.decode(T.self, forKey: key) } catch { throw LMError.invalidConfig(field: key.rawValue, reason: "wrong type") }
        }
        modelType = try optional(.modelType, String.self) ?? "llama"
        hiddenSize = try required(.hiddenSize, Int.self)
        numHiddenLayers = try required(.numHiddenLayers, Int.self)
        numAttentionHeads = try required(.numAttentionHeads, Int.self)
        numKeyValueHeads = try optional(.numKeyValueHeads, Int.self) ?? numAttentionHeads
        intermediateSize = try required(.intermediateSize, Int.self)
        vocabSize = try required(.vocabSize, Int.self)
        ropeTheta = try optional(.ropeTheta, Float.self) ?? 10000
        rmsNormEps = try optional(.rmsNormEps, Float.self) ?? 1e-6
        tieWordEmbeddings = try optional(.tieWordEmbeddings, Bool.self) ?? false
        attentionBias = try optional(.attentionBias, Bool.self) ?? (modelType == "qwen2")
        maxPositionEmbeddings = try optional(.maxPositionEmbeddings, Int.self) ?? 2048
        headDim = try optional(.headDim, Int.self)
        try validate()
    }

    /// Reads and validates a `config.json`.
    public static func load(from url: URL) throws -> LlamaConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LMError.io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(LlamaConfig.self, from: data) }
        catch let e as LMError { throw e }
        catch { throw LMError.invalidConfig(field: "(document)", reason: "\(url.path) is not a JSON object: \(error)") }
    }

    /// Width of one attention head.
    public var resolvedHeadDim: Int { headDim ?? hiddenSize / max(numAttentionHeads, 1) }
    /// Whether q/k/v projections carry biases (Qwen2).
    public var qkvBias: Bool { attentionBias }

    /// Rejects impossible shapes, naming the offending field.
    public func validate() throws {
        let positive: [(String, Int)] = [
            ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers), ("num_attention_heads", numAttentionHeads),
            ("num_key_value_heads", numKeyValueHeads), ("intermediate_size", intermediateSize), ("vocab_size", vocabSize),
        ]
        for (field, value) in positive where value <= 0 {
            throw LMError.invalidConfig(field: field, reason: "must be positive, got \(value)")
        }
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw LMError.invalidConfig(field: "num_key_value_heads",
                                        reason: "\(numKeyValueHeads) does not divide num_attention_heads \(numAttentionHeads)")
        }
        guard headDim != nil || hiddenSize % numAttentionHeads == 0 else {
            throw LMError.invalidConfig(field: "hidden_size", reason: "\(hiddenSize) not divisible by num_attention_heads \(numAttentionHeads)")
        }
        guard resolvedHeadDim % 2 == 0 else {
            throw LMError.invalidConfig(field: "head_dim", reason: "RoPE needs an even head dimension, got \(resolvedHeadDim)")
        }
        guard ropeTheta > 0 else { throw LMError.invalidConfig(field: "rope_theta", reason: "must be positive") }
        guard rmsNormEps > 0 else { throw LMError.invalidConfig(field: "rms_norm_eps", reason: "must be positive") }
    }

    /// Number of parameters of the base model (embedding counted once when tied).
    public var parameterCount: Int {
        let (C, F, V, D) = (hiddenSize, intermediateSize, vocabSize, resolvedHeadDim)
        let qo = 2 * C * numAttentionHeads * D, kv = 2 * C * numKeyValueHeads * D
        let bias = qkvBias ? (numAttentionHeads + 2 * numKeyValueHeads) * D : 0
        let layer = qo + kv + bias + 3 * C * F + 2 * C
        return V * C * (tieWordEmbeddings ? 1 : 2) + numHiddenLayers * layer + C
    }
}

/// Errors of the LM layer: configs, checkpoints, training.
public enum LMError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(field: String, reason: String)
    case io(path: String, reason: String)
    case badCheckpoint(path: String, reason: String)
    case missingWeight(name: String)
    case weightShape(name: String, expected: [Int], got: [Int])
    case nonFinite(step: Int, detail: String)

    public var description: String {
        switch self {
        case let .invalidConfig(field, reason): "invalid config field '\(field)': \(reason)"
        case let .io(path, reason): "\(path): \(reason)"
        case let .badCheckpoint(path, reason): "\(path): bad checkpoint: \(reason)"
        case let .missingWeight(name): "missing weight '\(name)'"
        case let .weightShape(name, expected, got): "weight '\(name)' has shape \(got), expected \(expected)"
        case let .nonFinite(step, detail): "step \(step): \(detail)"
        }
    }
}
