// InferenceModel: a no-grad Llama/Qwen2 decoder over quantized weights, built for fast token-by-token decoding.
import Foundation
import ModelIO

// Legend: R rows in one forward call (tokens, possibly of different sequences), C hidden, H/G query/KV heads,
// D head dim, F ffn width, V vocab, S per-sequence cache capacity.

/// The inference twin of ``LlamaModel``: the same architecture, but every projection stays a
/// ``QuantizedMatrix`` (GGUF blocks in place in the memory map, or F32 rows for safetensors) so a
/// decode step reads each weight once at its quantized size, as llama.cpp does.
///
/// Why a separate type: ``LlamaModel`` holds F32 ``Tensor``s and records a tape; decoding through it
/// would dequantize 4–8× more bytes per token. Training loads ``LlamaModel`` from the same files
/// (``LlamaModel/load(path:)``) and both agree on logits (tested against llama.cpp).
///
/// A forward call takes *rows*: (sequence, position, token) triples. Prefill of one prompt is a run
/// of rows of one sequence; batched decode is one row per live sequence, each at its own position,
/// so ragged prompts need no padding.
///
/// ```swift
/// let model = try InferenceModel.load(path: "model.gguf")
/// let cache = model.makeCache(sequences: 1, capacity: 512)
/// let logits = try model.forward(tokens: [1, 2, 3], sequence: 0, cache: cache)   // (3, V)
/// ```
public final class InferenceModel: @unchecked Sendable {
    struct Layer {
        var attnNorm: [Float]            // (C)
        var q, k, v, o: QuantizedMatrix  // (H·D, C) (G·D, C) (G·D, C) (C, H·D)
        var qBias, kBias, vBias: [Float]? // Qwen2
        var ffnNorm: [Float]             // (C)
        var gate, up, down: QuantizedMatrix // (F, C) (F, C) (C, F)
    }

    public let config: LlamaConfig
    /// `llama` or `qwen2`.
    public let architecture: String
    /// Pairs (2i, 2i+1) for GGUF `llama` (its converter permuted Q/K rows for that layout); halves otherwise.
    public let ropeAdjacent: Bool
    let layers: [Layer]
    let embed: QuantizedMatrix          // (V, C)
    let head: QuantizedMatrix           // (V, C)
    let norm: [Float]                   // (C)
    /// RoPE's angle ratio between neighbouring pairs, θ^(-2/D) in Float32 (powf), as ggml computes it.
    let ropeThetaScale: Float
    /// Keeps the memory map (or owned bytes) alive.
    let owner: AnyObject?

    init(config: LlamaConfig, architecture: String, ropeAdjacent: Bool, layers: [Layer], embed: QuantizedMatrix,
         head: QuantizedMatrix, norm: [Float], owner: AnyObject?) {
        self.config = config
        self.architecture = architecture
        self.ropeAdjacent = ropeAdjacent
        self.layers = layers
        self.embed = embed
        self.head = head
        self.norm = norm
        self.owner = owner
        ropeThetaScale = powf(Float(config.ropeTheta), -2 / Float(config.resolvedHeadDim))
    }

    public var vocabSize: Int { head.rows }

    /// A cache for `sequences` independent sequences of up to `capacity` positions each.
    public func makeCache(sequences: Int, capacity: Int) -> InferenceCache {
        InferenceCache(layers: config.numHiddenLayers, sequences: sequences, capacity: capacity,
                       width: config.numKeyValueHeads * config.resolvedHeadDim)
    }

    /// Appends `tokens` to sequence `sequence` of `cache` and returns their logits (tokens.count, V), row-major.
    /// Long inputs run in chunks so scratch memory stays bounded.
    public func forward(tokens: [Int32], sequence: Int, cache: InferenceCache, lastOnly: Bool = false) throws -> [Float] {
        let V = vocabSize, chunk = InferenceModel.prefillRows
        var out = [Float](repeating: 0, count: (lastOnly ? 1 : tokens.count) * V)
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + chunk)
            let base = cache.length[sequence]
            let rows = (start..<end).map { Row(sequence: sequence, position: base + $0 - start, token: tokens[$0]) }
            let want = lastOnly ? (end == tokens.count ? [rows.count - 1] : []) : Array(0..<rows.count)
            let logits = try forward(rows: rows, logitsFor: want, cache: cache)
            if lastOnly { if !want.isEmpty { out = logits } }
            else { out.replaceSubrange(start * V..<end * V, with: logits) }
            start = end
        }
        return out
    }

    /// One token of a sequence at a position.
    public struct Row: Sendable {
        public var sequence: Int
        public var position: Int
        public var token: Int32
        public init(sequence: Int, position: Int, token: Int32) {
            self.sequence = sequence
            self.position = position
            self.token = token
        }
    }

    /// Sequences decoded together: the batch limit of one decode step (and of a ``Generator`` group).
    public static let maxRows = 32
    /// Rows per forward call when a prompt is prefilled: large enough that the dequantize + sgemm
    /// route (``QuantizedMatrix/product(_:batch:into:scratch:)``) amortizes its dequantization.
    public static let prefillRows = 512
    /// Rows of one sequence from which a forward call attends through sgemm (`prefillAttentionForward`)
    /// instead of one query row at a time (llama.cpp's arithmetic): the same threshold as the
    /// projections' sgemm route, so a forward call computes either entirely like llama.cpp or entirely
    /// through BLAS.
    static let sgemmAttentionMinRows = QuantizedMatrix.gemmMinRows
}
