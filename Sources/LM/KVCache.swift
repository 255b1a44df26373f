// KVCache and the no-grad incremental forward used by generation: each step attends over cached keys/values.
import CQuantKernels
import Foundation
import Tensor

// Legend: B batch, S capacity (max positions), L cached length, Tn new tokens, H/G heads, D head dim.

/// Per-layer key/value buffers (B, S, G·D) filled left to right, plus a key mask for left-padded prompts.
public final class KVCache {
    /// Rows held; ``keepRows(_:)`` drops finished ones.
    public private(set) var batch: Int
    public let capacity: Int
    /// Positions already written.
    public private(set) var length = 0
    var keys: [Tensor]
    var values: [Tensor]
    /// (B, S) 1 = attendable; set entries to 0 for padding tokens so no query attends to them.
    public var keyMask: [Float]

    /// Rows the buffers were made for, and floats per cached position (G·D).
    let allocatedRows: Int, width: Int

    public init(config: LlamaConfig, batch: Int, capacity: Int) {
        self.batch = batch
        self.allocatedRows = batch
        self.capacity = capacity
        let width = config.numKeyValueHeads * config.resolvedHeadDim
        self.width = width
        keys = (0..<config.numHiddenLayers).map { _ in Tensor(zeros: [batch, capacity, width]) }
        values = (0..<config.numHiddenLayers).map { _ in Tensor(zeros: [batch, capacity, width]) }
        keyMask = [Float](repeating: 1, count: batch * capacity)
    }

    /// Forgets the cached positions and any dropped rows (buffers are reused).
    public func reset() {
        length = 0
        batch = allocatedRows
        keyMask = [Float](repeating: 1, count: batch * capacity)
    }

    func advance(_ n: Int) { length += n }

    /// Keeps only the given rows (ascending), moved to rows 0..<n in that order, with their cached
    /// positions and mask; the buffers keep their size.
    ///
    /// Why: batched sampling runs until its longest row ends. Without this, rows that had finished kept
    /// feeding pad tokens through every GEMM and the LM head; with answers of a few hundred tokens and a
    /// long tail, about 40% of an evaluation batch's row-steps were such waste.
    public func keepRows(_ rows: [Int]) {
        precondition(zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 } && (rows.last ?? 0) < batch, "rows must ascend within the batch")
        let w = width
        for (j, r) in rows.enumerated() where r != j {  // j < r: each copy reads a row no earlier copy wrote
            for buffer in keys + values {
                (buffer.data + j * capacity * w).update(from: buffer.data + r * capacity * w, count: length * w)
            }
            for t in 0..<capacity { keyMask[j * capacity + t] = keyMask[r * capacity + t] }
        }
        batch = rows.count
    }
}

/// out (B,Tn,H,D) = softmax(q kᵀ/√D over cached keys s ≤ L + t with mask) · v, read straight from the cache.
///
/// Each query row (b, t) is one `qk_attend_masked` call (CQuantKernels, AVX2+FMA where the CPU has it):
/// the rows are split over the engine's threads, and each call runs its heads on the calling thread.
/// Why C: Swift gets only SSE from baseline x86-64, so the dot products here were scalar multiply-adds
/// in a dependency chain; with 16 rollouts of a few hundred tokens this loop read every cached key of
/// every head at every decode step.
func cachedAttentionForward(
    _ out: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ K: UnsafePointer<Float>, _ Vc: UnsafePointer<Float>,
    _ mask: UnsafePointer<Float>, B: Int, Tn: Int, L: Int, S: Int, H: Int, G: Int, D: Int
) {
    let scale = 1 / Float(D).squareRoot()
    let chunks = parallelChunks(B * Tn)
    let scratch = Tensor(zeros: [chunks, H * (L + Tn)])
    parallelForChunks(B * Tn) { chunk, rows in
        let scores = scratch.data + chunk * H * (L + Tn)
        for bt in rows {
            let (b, t) = (bt / Tn, bt % Tn), row = (b * Tn + t) * H * D, cache = b * S * G * D
            qk_attend_masked(1, out + row, q + row, K + cache, Vc + cache, scores, Int64(L + t + 1),
                             Int32(H), Int32(G), Int32(D), scale, mask + b * S)
        }
    }
}

extension LlamaModel {
    /// No-grad incremental forward: appends `tokens` (B, Tn) to `cache` and returns final hidden states (B·Tn, C).
    /// Positions default to `cache.length ..< cache.length + Tn` for every row.
    public func forwardInference(tokens: [Int32], positions: [Int32]? = nil, cache: KVCache) throws -> Tensor {
        let B = cache.batch
        guard tokens.count % B == 0, !tokens.isEmpty else {
            throw TensorError.shapeMismatch(op: "forwardInference", detail: "\(tokens.count) tokens for batch \(B)")
        }
        let Tn = tokens.count / B, L = cache.length
        guard L + Tn <= cache.capacity else {
            throw TensorError.invalidArgument(op: "forwardInference", detail: "cache full: \(L) + \(Tn) > \(cache.capacity)")
        }
        let pos = positions ?? (0..<B).flatMap { _ in (0..<Tn).map { Int32(L + $0) } }
        let (H, G, D, S) = (config.numAttentionHeads, config.numKeyValueHeads, config.resolvedHeadDim, cache.capacity)
        return try withNoGrad {
            var x = try embedding(embedTokens, tokens: tokens)
            for (i, l) in layers.enumerated() {
                let h = try rmsNorm(x, l.inputNorm, eps: config.rmsNormEps)
                let q = try rope(l.q(h), positions: pos, headDim: D, base: config.ropeTheta, layout: ropeLayout)
                let k = try rope(l.k(h), positions: pos, headDim: D, base: config.ropeTheta, layout: ropeLayout)
                let v = try l.v(h)
                let w = G * D
                for b in 0..<B {  // append the new keys/values at rows L..<L+Tn of each batch row
                    (cache.keys[i].data + (b * S + L) * w).update(from: k.data + b * Tn * w, count: Tn * w)
                    (cache.values[i].data + (b * S + L) * w).update(from: v.data + b * Tn * w, count: Tn * w)
                }
                let a = Tensor(zeros: [B * Tn, H * D])
                cache.keyMask.withUnsafeBufferPointer { m in
                    cachedAttentionForward(a.data, q.data, cache.keys[i].data, cache.values[i].data, m.baseAddress!,
                                           B: B, Tn: Tn, L: L, S: S, H: H, G: G, D: D)
                }
                let x1 = try add(x, l.o(a))
                let h2 = try rmsNorm(x1, l.postNorm, eps: config.rmsNormEps)
                x = try add(x1, l.down(swiglu(l.gate(h2), l.up(h2))))
            }
            cache.advance(Tn)
            return try rmsNorm(x, norm, eps: config.rmsNormEps)
        }
    }
}
