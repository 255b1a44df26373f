// KVCache and the no-grad incremental forward used by generation: each step attends over cached keys/values.
import CQuantKernels
import Foundation
import Tensor

// Legend: B batch, S capacity (max positions), L cached length, Tn new tokens, H/G heads, D head dim.

/// Per-layer key/value buffers (B, S, G·D) filled left to right, plus a key mask for left-padded prompts.
public final class KVCache {
    public let batch: Int
    public let capacity: Int
    /// Positions already written.
    public private(set) var length = 0
    var keys: [Tensor]
    var values: [Tensor]
    /// (B, S) 1 = attendable; set entries to 0 for padding tokens so no query attends to them.
    public var keyMask: [Float]

    public init(config: LlamaConfig, batch: Int, capacity: Int) {
        self.batch = batch
        self.capacity = capacity
        let width = config.numKeyValueHeads * config.resolvedHeadDim
        keys = (0..<config.numHiddenLayers).map { _ in Tensor(zeros: [batch, capacity, width]) }
        values = (0..<config.numHiddenLayers).map { _ in Tensor(zeros: [batch, capacity, width]) }
        keyMask = [Float](repeating: 1, count: batch * capacity)
    }

    /// Forgets the cached positions (buffers are reused).
    public func reset() {
        length = 0
        keyMask = [Float](repeating: 1, count: batch * capacity)
    }

    func advance(_ n: Int) { length += n }
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
