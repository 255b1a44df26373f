// Causal grouped-query attention: scores by sgemm on strided head views, masked softmax, probs kept for backward.
import COpenBLAS
import Foundation

// Legend: B batch, T time, H query heads, G KV heads (H % G == 0), D head dim.
// q (B,T,H,D) ; k, v (B,T,G,D) ; att (B,H,T,T) probabilities ; out (B,T,H,D).
// Head h reads KV head h / (H/G). A head's rows are strided views (stride H·D), so no transposes are copied.

/// The query rows split into blocks for the products: block i's rows see keys < `end` only, so each
/// product runs over those keys, not all T. With 4 blocks the QKᵀ, PV and backward products do 10/16 of
/// the full T × T work (the masked upper triangle was computed and then zeroed). Rows per block stay
/// ≥ `minRows` (128) so that each sgemm keeps a useful shape; below 256 rows there is one block.
/// (Tests pass a small `minRows` to split tiny sequences.)
@inline(__always)
func causalRowBlocks(_ T: Int, minRows: Int = 128) -> [(start: Int, end: Int)] {
    let n = min(4, max(1, T / max(minRows, 1)))
    return (0..<n).map { (T * $0 / n, T * ($0 + 1) / n) }
}

/// att = softmax(mask(q kᵀ / √D)) ; out = att v
func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ att: UnsafeMutablePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    _ keyMask: UnsafePointer<Float>?, B: Int, T: Int, H: Int, G: Int, D: Int, minBlockRows: Int = 128
) {
    let scale = 1 / Float(D).squareRoot(), rep = H / G
    // The products are issued one head at a time from this thread, so each sgemm runs on OpenBLAS's own
    // threads; only the softmax rows, plain loops, are split over the engine's threads. Why not one task
    // per head, as before: every task's sgemm then asked OpenBLAS for its threads at once, and OpenBLAS
    // 0.3's server takes one caller at a time while the others spin (16% of a bf16 training step's
    // samples, perf, 2026-12-07).
    func heads(_ body: (Int, Int, Int, Int) -> Void) {  // (bh, b, h, g)
        for bh in 0..<(B * H) { let (b, h) = (bh / H, bh % H); body(bh, b, h, h / rep) }
    }
    let blocks = causalRowBlocks(T, minRows: minBlockRows)
    // Scores of row block [r0, r1) against keys < r1 only; the softmax reads keys ≤ t and zeroes the rest.
    heads { bh, b, h, g in
        for (r0, r1) in blocks {
            sgemm(false, true, r1 - r0, r1, D, scale, q + (b * T + r0) * H * D + h * D, H * D, k + b * T * G * D + g * D, G * D,
                  0, att + bh * T * T + r0 * T, T)
        }
    }
    parallelFor(B * H) { pairs in
        for bh in pairs { maskedSoftmaxRows(att + bh * T * T, T: T, mask: keyMask.map { $0 + (bh / H) * T }) }
    }
    heads { bh, b, h, g in
        for (r0, r1) in blocks {
            sgemm(false, false, r1 - r0, D, r1, 1, att + bh * T * T + r0 * T, T, v + b * T * G * D + g * D, G * D,
                  0, out + (b * T + r0) * H * D + h * D, H * D)
        }
    }
}

/// In-place softmax of each row t of a (T,T) over keys s ≤ t with mask[s] ≠ 0; other entries become 0.
/// A row with no visible key is all zeros (it attends to nothing and passes no gradient).
@inline(__always)
func maskedSoftmaxRows(_ a: UnsafeMutablePointer<Float>, T: Int, mask: UnsafePointer<Float>?) {
    for t in 0..<T {
        let row = a + t * T
        var mx = -Float.infinity
        for s in 0...t where mask == nil || mask![s] != 0 { mx = max(mx, row[s]) }
        if mx == -.infinity { row.update(repeating: 0, count: T); continue }
        var total: Float = 0
        for s in 0...t {
            let e: Float = (mask == nil || mask![s] != 0) ? Foundation.exp(row[s] - mx) : 0
            row[s] = e
            total += e
        }
        let inv = 1 / total
        for s in 0...t { row[s] *= inv }
        if t + 1 < T { (row + t + 1).update(repeating: 0, count: T - t - 1) }
    }
}

/// Backward, per (b, h), quoting forward `out = att v`, `att = softmax(scale · q kᵀ)`:
///   datt = dout vᵀ ; dv += attᵀ dout ; dS = att ⊙ (datt − rowsum(att ⊙ datt)) ; dq += scale dS k ; dk += scale dSᵀ q
/// Three passes, as forward: the products of every head from this thread (OpenBLAS threads each one), the
/// elementwise softmax backward over heads in parallel; dS of all heads lives in one scratch (B,H,T,T).
func attentionBackward(
    dq: UnsafeMutablePointer<Float>?, dk: UnsafeMutablePointer<Float>?, dv: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    att: UnsafePointer<Float>, B: Int, T: Int, H: Int, G: Int, D: Int, minBlockRows: Int = 128
) {
    let scale = 1 / Float(D).squareRoot(), rep = H / G
    let scratch = Tensor(uninitialized: [B, H, T, T])
    let dS = scratch.data
    // Heads in (b, g, h) order, so each KV head's dk/dv accumulate in the same order as before.
    func heads(_ body: (Int, Int, Int, Int) -> Void) {  // (bh, b, h, g)
        for b in 0..<B { for h in 0..<H { body(b * H + h, b, h, h / rep) } }
    }
    let blocks = causalRowBlocks(T, minRows: minBlockRows)
    // Row block [r0, r1) touches keys < r1 only (att is zero beyond); dS beyond them is never read, and the
    // softmax backward below zeroes it.
    heads { bh, b, h, g in
        for (r0, r1) in blocks {
            let a = att + bh * T * T + r0 * T, go = dout + (b * T + r0) * H * D + h * D
            if let dv { sgemm(true, false, r1, D, r1 - r0, 1, a, T, go, H * D, 1, dv + b * T * G * D + g * D, G * D) }
            sgemm(false, true, r1 - r0, r1, D, 1, go, H * D, v + b * T * G * D + g * D, G * D, 0, dS + bh * T * T + r0 * T, T)
        }
    }
    parallelFor(B * H) { pairs in
        for bh in pairs {
            let a = att + bh * T * T, d = dS + bh * T * T
            for t in 0..<T {
                let ar = a + t * T, dr = d + t * T
                var dot: Float = 0
                for s in 0...t { dot += ar[s] * dr[s] }
                for s in 0...t { dr[s] = ar[s] * (dr[s] - dot) }
                if t + 1 < T { (dr + t + 1).update(repeating: 0, count: T - t - 1) }
            }
        }
    }
    heads { bh, b, h, g in
        for (r0, r1) in blocks {
            let d = dS + bh * T * T + r0 * T
            if let dq {
                sgemm(false, false, r1 - r0, D, r1, scale, d, T, k + b * T * G * D + g * D, G * D, 1, dq + (b * T + r0) * H * D + h * D, H * D)
            }
            if let dk {
                sgemm(true, false, r1, D, r1 - r0, scale, d, T, q + (b * T + r0) * H * D + h * D, H * D, 1, dk + b * T * G * D + g * D, G * D)
            }
        }
    }
}

// Why no code here changes OpenBLAS's thread count: `openblas_set_num_threads` is process-wide, and
// OpenBLAS's sgemm gives different bits at 1 and 2 threads for the same operands (it partitions the
// work differently; measured on OpenBLAS 0.3.21). An attention call that lowered the count for its
// own per-head calls changed the summation order of every sgemm that another thread ran meanwhile,
// which broke bit-exact checks such as SFT's resume test when suites ran in parallel. Only
// `Engine.configure(threads:)`, called once by a command before any work, sets the count.

/// Causal grouped-query attention over rows laid out (B·T, heads·D).
/// - Parameters:
///   - q: (B·T, H·D) queries, already rotated; k, v: (B·T, G·D).
///   - keyMask: optional (B·T) 1/0 — keys with 0 (padding) are never attended to.
/// - Returns: (B·T, H·D).
public func attention(
    _ q: Tensor, _ k: Tensor, _ v: Tensor, batch B: Int, heads H: Int, kvHeads G: Int, headDim D: Int,
    keyMask: Tensor? = nil
) throws -> Tensor {
    let T = q.count / max(B * H * D, 1)
    guard B > 0, G > 0, H % G == 0, q.count == B * T * H * D, k.count == B * T * G * D, v.shape == k.shape else {
        throw TensorError.shapeMismatch(
            op: "attention", detail: "q \(q.shape) k \(k.shape) v \(v.shape) for B=\(B) H=\(H) G=\(G) D=\(D)")
    }
    if let keyMask, keyMask.count != B * T {
        throw TensorError.shapeMismatch(op: "attention", detail: "keyMask \(keyMask.shape), expected \(B * T) entries")
    }
    let out = Tensor(uninitialized: q.shape), att = Tensor(uninitialized: [B, H, T, T])
    attentionForward(out.data, att.data, q.data, k.data, v.data, keyMask?.data, B: B, T: T, H: H, G: G, D: D)
    return try record(.attention, [q, k, v], out) { $0.saved = [att]; $0.ints = [B, T, H, G, D] }
}

func attentionRule(_ node: Node, _ dout: UnsafeMutablePointer<Float>) {
    let (q, k, v) = (node.inputs[0], node.inputs[1], node.inputs[2])
    let i = node.ints
    attentionBackward(
        dq: q.requiresGrad ? q.gradBuffer() : nil, dk: k.requiresGrad ? k.gradBuffer() : nil,
        dv: v.requiresGrad ? v.gradBuffer() : nil, dout: dout, q: q.data, k: k.data, v: v.data,
        att: node.saved[0].data, B: i[0], T: i[1], H: i[2], G: i[3], D: i[4])
}
