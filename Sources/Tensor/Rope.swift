// RoPE: rotary position embeddings in both layouts (HF/NeoX half-split and GGML adjacent pairs).
import Foundation

// Legend: N tokens, H heads, D head dim, P = D/2 rotation pairs; θ_i = pos · base^(−2i/D).

/// Which elements of a head form each rotation pair.
public enum RopeLayout: String, Codable, Sendable {
    /// Pairs (i, i + D/2): Hugging Face Llama/Qwen2 (`rotate_half`), also called NeoX.
    case halfSplit
    /// Pairs (2i, 2i + 1): the original RoPE / GGML "normal" layout.
    case adjacent
}

/// cos/sin table (N, P) for the given positions, computed in Float32 like HF's `inv_freq` path.
func ropeTable(positions: [Int32], D: Int, base: Float) -> Tensor {
    let P = D / 2, N = positions.count
    let table = Tensor(uninitialized: [N, 2 * P])
    var invFreq = [Float](repeating: 0, count: P)
    for i in 0..<P { invFreq[i] = 1 / Foundation.pow(base, Float(2 * i) / Float(D)) }
    let t = table.data
    for n in 0..<N {
        let pos = Float(positions[n])
        for i in 0..<P {
            let a = pos * invFreq[i]
            t[n * 2 * P + i] = Foundation.cos(a)
            t[n * 2 * P + P + i] = Foundation.sin(a)
        }
    }
    return table
}

/// out (N,H,D) = rotate(x (N,H,D), table (N, cos P | sin P)); `sign` −1 applies the inverse rotation (backward).
///   a' = a cos − b sin ; b' = a sin + b cos
func ropeForward(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ table: UnsafePointer<Float>,
    N: Int, H: Int, D: Int, layout: RopeLayout, sign: Float, accumulate: Bool
) {
    let P = D / 2
    let (ia, ib): (Int, Int) = layout == .halfSplit ? (1, P) : (2, 1)  // a = i·ia ; b = a + ib
    parallelFor(N, grain: 8) { rows in
        for n in rows {
            let cs = table + n * 2 * P, sn = cs + P
            for h in 0..<H {
                let xr = x + (n * H + h) * D, yr = out + (n * H + h) * D
                for i in 0..<P {
                    let ka = i * ia, kb = i * ia + ib
                    let (a, b, c, s) = (xr[ka], xr[kb], cs[i], sign * sn[i])
                    if accumulate { yr[ka] += a * c - b * s; yr[kb] += a * s + b * c }
                    else { yr[ka] = a * c - b * s; yr[kb] = a * s + b * c }
                }
            }
        }
    }
}

/// Rotates each head of `x` (N, H·D) by its token's position. `positions` has one entry per row.
public func rope(_ x: Tensor, positions: [Int32], headDim D: Int, base: Float, layout: RopeLayout = .halfSplit) throws -> Tensor {
    guard let last = x.shape.last, D > 0, D % 2 == 0, last % D == 0 else {
        throw TensorError.shapeMismatch(op: "rope", detail: "x \(x.shape) is not a whole number of even heads of \(D)")
    }
    let N = x.count / last, H = last / D
    guard positions.count == N else {
        throw TensorError.shapeMismatch(op: "rope", detail: "\(positions.count) positions for \(N) rows")
    }
    let table = ropeTable(positions: positions, D: D, base: base)
    let y = Tensor(uninitialized: x.shape)
    ropeForward(y.data, x.data, table.data, N: N, H: H, D: D, layout: layout, sign: 1, accumulate: false)
    return try record(.rope, [x], y) { $0.saved = [table]; $0.ints = [N, H, D, layout == .halfSplit ? 0 : 1] }
}

/// Backward of `y = R(θ) x`: dx += R(−θ) dy (a rotation's inverse is its transpose).
func ropeRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let i = node.ints
    ropeForward(x.gradBuffer(), dy, node.saved[0].data, N: i[0], H: i[1], D: i[2],
                layout: i[3] == 0 ? .halfSplit : .adjacent, sign: -1, accumulate: true)
}
