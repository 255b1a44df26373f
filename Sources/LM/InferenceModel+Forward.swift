// The no-grad forward of InferenceModel: quantized matmuls, RoPE, fused single-query attention over the cache.
import CQuantKernels
import Foundation
import ModelIO

// Legend: R rows (tokens) in the call, C hidden, H/G query/KV heads, D head dim, F ffn, V vocab, W = G·D.

extension InferenceModel {
    /// Runs `rows` through the model, writing their keys/values into `cache`, and returns the logits
    /// (logitsFor.count, V) of the rows listed in `logitsFor`.
    ///
    /// Each row attends to positions 0...position of its own sequence, so rows of one sequence must
    /// be given in order and continue that sequence (position == its cache length at that point).
    public func forward(rows: [Row], logitsFor: [Int], cache: InferenceCache) throws -> [Float] {
        let R = rows.count
        guard R > 0, R <= InferenceModel.prefillRows else { throw LMError.invalidConfig(field: "rows", reason: "\(R) rows (1...\(InferenceModel.prefillRows))") }
        let (C, H, G, D, F) = (config.hiddenSize, config.numAttentionHeads, config.numKeyValueHeads,
                               config.resolvedHeadDim, config.intermediateSize)
        let W = G * D, V = vocabSize
        var expected = cache.length
        for r in rows {
            guard r.sequence >= 0, r.sequence < cache.sequences else {
                throw LMError.invalidConfig(field: "sequence", reason: "\(r.sequence) outside 0..<\(cache.sequences)")
            }
            guard r.position == expected[r.sequence], r.position < cache.capacity else {
                throw LMError.invalidConfig(field: "position", reason: "sequence \(r.sequence): position \(r.position), cache has \(expected[r.sequence]) of \(cache.capacity)")
            }
            guard r.token >= 0, Int(r.token) < embed.rows else {
                throw LMError.invalidConfig(field: "token", reason: "token id \(r.token) outside vocabulary \(embed.rows)")
            }
            expected[r.sequence] += 1
        }
        let x = cache.buffer("x", R * C), h = cache.buffer("h", R * C), t = cache.buffer("t", R * C)
        let q = cache.buffer("q", R * H * D), k = cache.buffer("k", R * W), v = cache.buffer("v", R * W)
        let a = cache.buffer("a", R * H * D), g = cache.buffer("g", R * F), u = cache.buffer("u", R * F)
        let scores = cache.buffer("scores", H * cache.capacity)  // per head, so heads can run in parallel
        let rot = cache.buffer("rot", R * D)  // per row: cos (D/2) then sin (D/2)
        let w = { cache.buffer($0, $1) }  // the prefill sgemm's rounded activations and dequantized weights
        // A prefill chunk: consecutive rows of one sequence (positions were checked above), attended through sgemm.
        let oneSequence = R > 1 && rows.allSatisfy { $0.sequence == rows[0].sequence }
        let onePrompt = oneSequence && R >= InferenceModel.sgemmAttentionMinRows

        for (i, r) in rows.enumerated() {
            embed.dequantizeRow(Int(r.token), into: x + i * C)
            // ggml's angles: θ_j = position · scale^j by repeated Float32 products, then cosf/sinf.
            let cs = rot + i * D, half = D / 2
            var angle = Float(r.position)
            for j in 0..<half {
                cs[j] = cos(angle)
                cs[half + j] = sin(angle)
                angle *= ropeThetaScale
            }
        }
        for (li, l) in layers.enumerated() {
            rmsNormForward(h, x, l.attnNorm, R: R, C: C, eps: config.rmsNormEps)
            l.q.product(h, batch: R, into: q, promptBatch: oneSequence, scratch: w)
            l.k.product(h, batch: R, into: k, promptBatch: oneSequence, scratch: w)
            l.v.product(h, batch: R, into: v, promptBatch: oneSequence, scratch: w)
            if let b = l.qBias { addBiasForward(q, b, R: R) }
            if let b = l.kBias { addBiasForward(k, b, R: R) }
            if let b = l.vBias { addBiasForward(v, b, R: R) }
            for i in 0..<R {
                ropeForward(q + i * H * D, rot + i * D, heads: H, D: D, adjacent: ropeAdjacent)
                ropeForward(k + i * W, rot + i * D, heads: G, D: D, adjacent: ropeAdjacent)
                let r = rows[i]
                let kr = cache.keyRow(li, r.sequence, r.position), vr = cache.valueRow(li, r.sequence, r.position)
                if cache.halfPrecision {
                    for j in 0..<W { kr[j] = Float(Float16(k[i * W + j])); vr[j] = Float(Float16(v[i * W + j])) }
                } else {
                    kr.update(from: k + i * W, count: W)
                    vr.update(from: v + i * W, count: W)
                }
            }
            if onePrompt {
                let r = rows[0]
                prefillAttentionForward(a, q, cache.keyRow(li, r.sequence, 0), cache.valueRow(li, r.sequence, 0),
                                        cache.buffer("prefill-scores", R * (r.position + R)), p0: r.position, R: R, H: H, G: G, D: D)
            } else {
                for i in 0..<R {
                    let r = rows[i]
                    cachedQueryAttentionForward(a + i * H * D, q + i * H * D, cache.keyRow(li, r.sequence, 0),
                                                cache.valueRow(li, r.sequence, 0), scores, P: r.position + 1, H: H, G: G, D: D,
                                                llamaCpp: cache.halfPrecision)
                }
            }
            l.o.product(a, batch: R, into: t, promptBatch: oneSequence, scratch: w)
            for j in 0..<R * C { x[j] += t[j] }
            rmsNormForward(h, x, l.ffnNorm, R: R, C: C, eps: config.rmsNormEps)
            l.gate.product(h, batch: R, into: g, promptBatch: oneSequence, scratch: w)
            l.up.product(h, batch: R, into: u, promptBatch: oneSequence, scratch: w)
            qk_swiglu(Int64(R), Int64(F), g, u)
            l.down.product(g, batch: R, into: t, promptBatch: oneSequence, scratch: w)
            for j in 0..<R * C { x[j] += t[j] }
        }
        cache.length = expected
        guard !logitsFor.isEmpty else { return [] }
        let n = logitsFor.count
        for (j, i) in logitsFor.enumerated() { (t + j * C).update(from: x + i * C, count: C) }
        rmsNormForward(h, t, norm, R: n, C: C, eps: config.rmsNormEps)
        return [Float](unsafeUninitializedCapacity: n * V) { buf, count in
            head.product(h, batch: n, into: buf.baseAddress!, promptBatch: oneSequence && n == R, scratch: w)
            count = n * V
        }
    }
}

// MARK: - Kernels

/// out (R, C) = x / √(mean(x²) + eps) · w.
func rmsNormForward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: [Float], R: Int, C: Int, eps: Float) {
    w.withUnsafeBufferPointer { wb in
        for r in 0..<R {
            let xr = x + r * C, o = out + r * C
            // ggml sums the squares in Double: the scale then matches llama.cpp's to the last bit.
            var ss: Double = 0
            for c in 0..<C { ss += Double(xr[c] * xr[c]) }
            let scale = 1 / (Float(ss / Double(C)) + eps).squareRoot()
            for c in 0..<C { o[c] = xr[c] * scale * wb[c] }
        }
    }
}

/// y (R, n) += b (n) per row.
func addBiasForward(_ y: UnsafeMutablePointer<Float>, _ b: [Float], R: Int) {
    let n = b.count
    for r in 0..<R { for j in 0..<n { y[r * n + j] += b[j] } }
}

/// Rotates each head's pairs in place by the row's angles (cs: cos then sin, D/2 each).
/// Adjacent: pairs (2j, 2j+1) (GGML "normal"); otherwise halves (j, j + D/2) (HF / NeoX).
func ropeForward(_ x: UnsafeMutablePointer<Float>, _ cs: UnsafePointer<Float>, heads: Int, D: Int, adjacent: Bool) {
    let half = D / 2
    for hh in 0..<heads {
        let p = x + hh * D
        for j in 0..<half {
            let (i0, i1) = adjacent ? (2 * j, 2 * j + 1) : (j, j + half)
            let (a, b, c, s) = (p[i0], p[i1], cs[j], cs[half + j])
            // a·c − b·s as one fused multiply-add over the rounded b·s, and a·s + b·c likewise:
            // how GCC contracts ggml's rotate_pairs (llama.cpp's default build), bit for bit.
            p[i0] = (-b * s).addingProduct(a, c)
            p[i1] = (b * c).addingProduct(a, s)
        }
    }
}

/// out (H, D) = softmax(q·kᵀ/√D over positions 0..<P) · v for one query row; K, V are (P, G·D) cache rows.
/// Grouped-query: head h reads KV head h / (H/G). `scores` is scratch of ≥ H·P floats. Runs in C, heads
/// split over the matmul worker pool, AVX2+FMA where the CPU has it (chosen at run time).
///
/// `llamaCpp` (the f16 cache, the default) computes what llama.cpp's attention computes, bit for bit
/// (`qk_attend_ggml`: Q and the softmax weights rounded to f16, its expf and summation order), so a
/// prompt's logits equal llama.cpp's; otherwise plain Float32 (`qk_attend`), for comparisons with the
/// Float32 training model.
func cachedQueryAttentionForward(_ out: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ K: UnsafePointer<Float>,
                                 _ Vc: UnsafePointer<Float>, _ scores: UnsafeMutablePointer<Float>, P: Int, H: Int, G: Int, D: Int,
                                 llamaCpp: Bool) {
    let (nt, scale) = (Int32(QuantizedMatrix.threads), 1 / Float(D).squareRoot())
    if llamaCpp, qk_attend_ggml(nt, out, q, K, Vc, scores, Int64(P), Int32(H), Int32(G), Int32(D), scale) != 0 { return }
    qk_attend(nt, out, q, K, Vc, scores, Int64(P), Int32(H), Int32(G), Int32(D), scale)
}
