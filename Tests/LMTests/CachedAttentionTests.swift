// The KV-cache attention of the training model's generation (C, qk_attend_masked) against a plain reference.
import Foundation
import Testing
@testable import LM
import Tensor

@Suite struct CachedAttentionTests {
    /// softmax(q·kᵀ/√D over the unmasked cached positions s ≤ L + t) · v, in Double.
    static func reference(q: [Float], K: [Float], V: [Float], mask: [Float], B: Int, Tn: Int, L: Int, S: Int,
                          H: Int, G: Int, D: Int) -> [Float] {
        var out = [Float](repeating: 0, count: B * Tn * H * D)
        for b in 0..<B {
            for t in 0..<Tn {
                for h in 0..<H {
                    let g = h / (H / G), qr = ((b * Tn + t) * H + h) * D
                    let visible = (0...(L + t)).filter { mask[b * S + $0] != 0 }
                    guard !visible.isEmpty else { continue }
                    let scores = visible.map { s in
                        (0..<D).reduce(0.0) { $0 + Double(q[qr + $1]) * Double(K[(b * S + s) * G * D + g * D + $1]) } / Double(D).squareRoot()
                    }
                    let m = scores.max()!, w = scores.map { exp($0 - m) }, z = w.reduce(0, +)
                    for d in 0..<D {
                        out[qr + d] = Float(zip(visible, w).reduce(0.0) { $0 + $1.1 / z * Double(V[(b * S + $1.0) * G * D + g * D + d]) })
                    }
                }
            }
        }
        return out
    }

    /// Left padding (row 1 masks its first 3 positions), grouped heads, a head dim that is not a
    /// multiple of 8 (the AVX2 tail), several new rows per call (prefill), and a row that can see no
    /// position at all (all zeros, not NaN).
    @Test(arguments: [(1, 16), (3, 12), (2, 5)])
    func matchesTheReference(newRows Tn: Int, headDim D: Int) {
        let (B, L, H, G) = (3, 6, 4, 2), S = L + Tn + 2
        var rng = SeededRNG(seed: UInt64(Tn * 100 + D))
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in rng.normal() } }
        let q = random(B * Tn * H * D), K = random(B * S * G * D), V = random(B * S * G * D)
        var mask = [Float](repeating: 1, count: B * S)
        for s in 0..<3 { mask[1 * S + s] = 0 }
        for s in 0..<S { mask[2 * S + s] = s < L + Tn ? 0 : 1 }  // row 2 sees nothing up to its last new token
        var out = [Float](repeating: .nan, count: q.count)
        cachedAttentionForward(&out, q, K, V, mask, B: B, Tn: Tn, L: L, S: S, H: H, G: G, D: D)
        let expected = Self.reference(q: q, K: K, V: V, mask: mask, B: B, Tn: Tn, L: L, S: S, H: H, G: G, D: D)
        for i in out.indices { #expect(abs(out[i] - expected[i]) < 1e-5, "out[\(i)] = \(out[i]), expected \(expected[i])") }
        #expect(out[(2 * Tn * H * D)...].allSatisfy { $0 == 0 })
    }
}
