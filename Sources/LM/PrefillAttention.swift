// Causal attention of a prefill chunk through sgemm: one sequence's R consecutive query rows at once.
import COpenBLAS
import Foundation
import Tensor

// Why: row-by-row attention over the cache costs O(T²·H·D) scalar work for a T-token prompt and
// dominated long prefills once the projections moved to sgemm. For R consecutive rows of one
// sequence the same product is two matrix multiplies per head, S = Q·Kᵀ and O = softmax(S)·V.
// Legend: R query rows at positions p0..<p0+R, P = p0 + R keys, H/G query/KV heads, D head dim, W = G·D.

/// out (R, H·D) = causal softmax(q·kᵀ/√D) · v for rows at positions p0..<p0+R of one sequence, whose
/// keys and values (P rows of width W, including these rows') are already in the cache.
/// `scores` is scratch of ≥ R·P floats.
func prefillAttentionForward(_ out: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ K: UnsafePointer<Float>,
                             _ Vc: UnsafePointer<Float>, _ scores: UnsafeMutablePointer<Float>,
                             p0: Int, R: Int, H: Int, G: Int, D: Int) {
    let P = p0 + R, rep = H / G, W = G * D, HD = H * D
    let scale = 1 / Float(D).squareRoot()
    for h in 0..<H {
        let off = (h / rep) * D
        // S (R, P) = scale · Q_h (R, D) · K_g (P, D)ᵀ
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(R), Int32(P), Int32(D), scale,
                    q + h * D, Int32(HD), K + off, Int32(W), 0, scores, Int32(P))
        // Row i sees keys 0...p0+i; the rest get weight 0.
        parallelFor(R, grain: 8) { rowRange in
            for i in rowRange {
                let s = scores + i * P, seen = p0 + i + 1
                var mx = -Float.infinity
                for j in 0..<seen { mx = max(mx, s[j]) }
                var total: Float = 0
                for j in 0..<seen { s[j] = exp(s[j] - mx); total += s[j] }
                let inv = 1 / total
                for j in 0..<seen { s[j] *= inv }
                for j in seen..<P { s[j] = 0 }
            }
        }
        // O_h (R, D) = S (R, P) · V_g (P, D)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(R), Int32(D), Int32(P), 1,
                    scores, Int32(P), Vc + off, Int32(W), 0, out + h * D, Int32(HD))
    }
}
