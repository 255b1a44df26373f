// Fused LM head + cross-entropy over vocabulary chunks: the (N, V) logits never exist in full, forward or backward.
import Foundation

// Legend: N tokens, C channels, V vocab, R rows per chunk. logits (R,V) = h (R,C) · W (V,C)ᵀ.
// Forward keeps only lse (N). Backward recomputes each chunk's logits (one extra sgemm) rather than storing
// N·V floats: for Qwen2.5's V = 151936 at N = 1024 that is 622 MB saved, twice (logits and their gradient).

/// Rows per chunk so one chunk of logits stays near 64 MB.
func lceChunkRows(N: Int, V: Int) -> Int { max(1, min(N, (16 << 20) / max(V, 1))) }

/// nll (N) = lse(h Wᵀ) − (h Wᵀ)[n, t_n] ; ignored rows give 0. lse (N) is saved for backward.
func linearNLLForward(
    _ nll: UnsafeMutablePointer<Float>, _ lse: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>,
    _ W: UnsafePointer<Float>, _ targets: [Int32], ignoreIndex: Int32, N: Int, C: Int, V: Int
) {
    let R = lceChunkRows(N: N, V: V)
    let logits = Tensor(uninitialized: [R, V])
    let L = logits.data
    for start in stride(from: 0, to: N, by: R) {
        let rows = min(R, N - start)
        sgemm(false, true, rows, V, C, 1, h + start * C, C, W, C, 0, L, V)
        parallelFor(rows) { rr in
            for r in rr {
                let n = start + r, row = L + r * V
                let l = logSumExp(row, V)
                lse[n] = l
                nll[n] = targets[n] == ignoreIndex ? 0 : l - row[Int(targets[n])]
            }
        }
    }
}

/// Backward of `nll_n = lse_n − logits[n, t_n]`, chunk by chunk:
///   dlogits = dnll_n (softmax − onehot) ; dh += dlogits · W ; dW += dlogitsᵀ · h
func linearNLLBackward(
    dh: UnsafeMutablePointer<Float>?, dW: UnsafeMutablePointer<Float>?, dnll: UnsafePointer<Float>,
    h: UnsafePointer<Float>, W: UnsafePointer<Float>, lse: UnsafePointer<Float>, _ targets: [Int32],
    ignoreIndex: Int32, N: Int, C: Int, V: Int
) {
    let R = lceChunkRows(N: N, V: V)
    let logits = Tensor(uninitialized: [R, V])
    let L = logits.data
    for start in stride(from: 0, to: N, by: R) {
        let rows = min(R, N - start)
        sgemm(false, true, rows, V, C, 1, h + start * C, C, W, C, 0, L, V)
        parallelFor(rows) { rr in
            for r in rr {
                let n = start + r, row = L + r * V
                if targets[n] == ignoreIndex || dnll[n] == 0 { row.update(repeating: 0, count: V); continue }
                let (g, l) = (dnll[n], lse[n])
                for j in 0..<V { row[j] = g * Foundation.exp(row[j] - l) }
                row[Int(targets[n])] -= g
            }
        }
        if let dh { sgemm(false, false, rows, C, V, 1, L, V, W, C, 1, dh + start * C, C) }
        if let dW { sgemm(true, false, V, C, rows, 1, L, V, h + start * C, C, 1, dW, C) }
    }
}

/// Per-token negative log-likelihood of `targets` under the LM head: h (N,C), weight (V,C) → (N).
/// Rows whose target is `ignoreIndex` give 0. `−tokenNLL` is PPO's per-token log-prob.
public func tokenNLL(_ hidden: Tensor, head weight: Tensor, targets: [Int32], ignoreIndex: Int32 = -100) throws -> Tensor {
    guard weight.shape.count == 2, let C = hidden.shape.last, weight.shape[1] == C, hidden.count == targets.count * C else {
        throw TensorError.shapeMismatch(
            op: "tokenNLL", detail: "hidden \(hidden.shape), \(weight.name) \(weight.shape), \(targets.count) targets")
    }
    let V = weight.shape[0], N = targets.count
    if let bad = targets.first(where: { $0 != ignoreIndex && ($0 < 0 || Int($0) >= V) }) {
        throw TensorError.invalidArgument(op: "tokenNLL", detail: "target \(bad) outside 0..<\(V)")
    }
    let nll = Tensor(uninitialized: [N]), lse = Tensor(uninitialized: [N])
    linearNLLForward(nll.data, lse.data, hidden.data, weight.data, targets, ignoreIndex: ignoreIndex, N: N, C: C, V: V)
    return try record(.linearCrossEntropy, [hidden, weight], nll) {
        $0.saved = [lse]; $0.indices = targets; $0.ints = [N, C, V, Int(ignoreIndex)]
    }
}

func linearCrossEntropyRule(_ node: Node, _ dnll: UnsafeMutablePointer<Float>) {
    let (h, W) = (node.inputs[0], node.inputs[1])
    let i = node.ints
    linearNLLBackward(
        dh: h.requiresGrad ? h.gradBuffer() : nil, dW: W.requiresGrad ? W.gradBuffer() : nil, dnll: dnll,
        h: h.data, W: W.data, lse: node.saved[0].data, node.indices, ignoreIndex: Int32(i[3]), N: i[0], C: i[1], V: i[2])
}

/// Cross-entropy of the LM head without materializing logits: Σ_n w_n nll_n / #non-ignored (see `crossEntropy`).
/// - Parameters:
///   - hidden: final normalized hidden states (N, C).
///   - weight: LM head (V, C) — the embedding table when embeddings are tied.
///   - weights: optional per-token weights (token-level rewards); ignored targets always weigh 0.
public func linearCrossEntropy(
    _ hidden: Tensor, head weight: Tensor, targets: [Int32], weights: [Float]? = nil, ignoreIndex: Int32 = -100
) throws -> Tensor {
    let (w, denom) = try crossEntropyWeights(targets, weights, ignoreIndex: ignoreIndex, op: "linearCrossEntropy")
    let nll = try tokenNLL(hidden, head: weight, targets: targets, ignoreIndex: ignoreIndex)
    let scaled = try Tensor(shape: [w.count], values: w.map { $0 / denom })
    return try sum(mul(nll, scaled))
}
