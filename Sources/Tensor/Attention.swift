// Causal grouped-query attention: scores by sgemm on strided head views, fused masked softmax, probs kept for backward.
import COpenBLAS
import Foundation

// Legend: B batch, T time, H query heads, G KV heads (H % G == 0), D head dim.
// q (B,T,H,D) ; k, v (B,T,G,D) ; att (B,H,T,T) probabilities ; out (B,T,H,D).
// Head h reads KV head h / (H/G). A head's rows are strided views (stride H·D), so no transposes are copied.

/// att = softmax(mask(q kᵀ / √D)) ; out = att v
func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ att: UnsafeMutablePointer<Float>,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    _ keyMask: UnsafePointer<Float>?, B: Int, T: Int, H: Int, G: Int, D: Int
) {
    let scale = 1 / Float(D).squareRoot(), rep = H / G
    // One (b, h) pair per task. The per-head sgemm calls run on OpenBLAS's own, process-wide thread
    // count, which nothing here changes (see the note after `attentionBackward`): small heads stay on the calling
    // thread inside OpenBLAS, and large ones are serialized by OpenBLAS's own lock.
    parallelFor(B * H) { pairs in
        for bh in pairs {
            let (b, h) = (bh / H, bh % H), g = h / rep
            let qh = q + b * T * H * D + h * D, kh = k + b * T * G * D + g * D, vh = v + b * T * G * D + g * D
            let a = att + bh * T * T
            sgemm(false, true, T, T, D, scale, qh, H * D, kh, G * D, 0, a, T)
            maskedSoftmaxRows(a, T: T, mask: keyMask.map { $0 + b * T })
            sgemm(false, false, T, D, T, 1, a, T, vh, G * D, 0, out + b * T * H * D + h * D, H * D)
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
/// dk/dv of a KV head are shared by its H/G query heads, so tasks are KV heads (b, g), each looping its group.
func attentionBackward(
    dq: UnsafeMutablePointer<Float>?, dk: UnsafeMutablePointer<Float>?, dv: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    att: UnsafePointer<Float>, B: Int, T: Int, H: Int, G: Int, D: Int
) {
    let scale = 1 / Float(D).squareRoot(), rep = H / G
    let workers = parallelChunks(B * G)
    let scratch = Tensor(uninitialized: [workers, T, T])
    parallelForChunks(B * G) { chunk, groups in
        let dS = scratch.data + chunk * T * T
        for bg in groups {
            let (b, g) = (bg / G, bg % G)
            let kh = k + b * T * G * D + g * D, vh = v + b * T * G * D + g * D
            for h in (g * rep)..<((g + 1) * rep) {
                let a = att + (b * H + h) * T * T
                let qh = q + b * T * H * D + h * D, go = dout + b * T * H * D + h * D
                if let dv { sgemm(true, false, T, D, T, 1, a, T, go, H * D, 1, dv + b * T * G * D + g * D, G * D) }
                sgemm(false, true, T, T, D, 1, go, H * D, vh, G * D, 0, dS, T)
                for t in 0..<T {
                    let ar = a + t * T, dr = dS + t * T
                    var dot: Float = 0
                    for s in 0...t { dot += ar[s] * dr[s] }
                    for s in 0...t { dr[s] = ar[s] * (dr[s] - dot) }
                    if t + 1 < T { (dr + t + 1).update(repeating: 0, count: T - t - 1) }
                }
                if let dq { sgemm(false, false, T, D, T, scale, dS, T, kh, G * D, 1, dq + b * T * H * D + h * D, H * D) }
                if let dk { sgemm(true, false, T, D, T, scale, dS, T, qh, H * D, 1, dk + b * T * G * D + g * D, G * D) }
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
