// Row-softmax family: log-softmax, per-token gather, entropy, cross-entropy with ignore index and per-token weights.
import Foundation

// Legend: N rows (tokens), V vocab. lse = log Σ_j exp(x_j). p = softmax(x).

/// log Σ exp(row) computed stably.
@inline(__always)
func logSumExp(_ row: UnsafePointer<Float>, _ V: Int) -> Float {
    var mx = -Float.infinity
    for j in 0..<V { mx = max(mx, row[j]) }
    var s: Float = 0
    for j in 0..<V { s += Foundation.exp(row[j] - mx) }
    return mx + Foundation.log(s)
}

// MARK: - Log-softmax

/// y (N,V) = x − lse(x) per row
public func logSoftmax(_ x: Tensor) throws -> Tensor {
    guard let V = x.shape.last, V > 0 else { throw TensorError.shapeMismatch(op: "logSoftmax", detail: "\(x.shape)") }
    let N = x.count / V
    let y = Tensor(uninitialized: x.shape)
    let (px, py) = (x.data, y.data)
    parallelFor(N, grain: 4) { rows in
        for n in rows {
            let l = logSumExp(px + n * V, V)
            for j in 0..<V { py[n * V + j] = px[n * V + j] - l }
        }
    }
    return try record(.logSoftmax, [x], y) { $0.ints = [N, V] }
}

/// Backward of `y = x − lse(x)`: dx += dy − exp(y) Σ_j dy_j
func logSoftmaxRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let (N, V) = (node.ints[0], node.ints[1])
    let (dx, py) = (x.gradBuffer(), node.output.data)
    parallelFor(N, grain: 4) { rows in
        for n in rows {
            var s: Float = 0
            for j in 0..<V { s += dy[n * V + j] }
            for j in 0..<V { dx[n * V + j] += dy[n * V + j] - Foundation.exp(py[n * V + j]) * s }
        }
    }
}

// MARK: - Gather

/// y (N) = x (N,V) [n, index[n]]: per-token log-probs from log-softmax output (PPO). index < 0 gives 0.
public func gatherRows(_ x: Tensor, indices: [Int32]) throws -> Tensor {
    guard let V = x.shape.last, x.count == indices.count * V else {
        throw TensorError.shapeMismatch(op: "gatherRows", detail: "x \(x.shape) for \(indices.count) indices")
    }
    if let bad = indices.first(where: { Int($0) >= V }) {
        throw TensorError.invalidArgument(op: "gatherRows", detail: "index \(bad) outside 0..<\(V)")
    }
    let y = Tensor(uninitialized: [indices.count])
    for n in 0..<indices.count { y.data[n] = indices[n] < 0 ? 0 : x.data[n * V + Int(indices[n])] }
    return try record(.gatherRows, [x], y) { $0.indices = indices; $0.ints = [V] }
}

/// Backward of `y[n] = x[n, i_n]`: dx[n, i_n] += dy[n]
func gatherRowsRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let dx = x.gradBuffer(), V = node.ints[0]
    for (n, i) in node.indices.enumerated() where i >= 0 { dx[n * V + Int(i)] += dy[n] }
}

// MARK: - Entropy

/// H (N) = −Σ_j p_j log p_j = lse − Σ_j p_j x_j, from logits x (N,V)
public func entropy(_ logits: Tensor) throws -> Tensor {
    guard let V = logits.shape.last, V > 0 else { throw TensorError.shapeMismatch(op: "entropy", detail: "\(logits.shape)") }
    let N = logits.count / V
    let y = Tensor(uninitialized: [N])
    let (px, py) = (logits.data, y.data)
    parallelFor(N, grain: 4) { rows in
        for n in rows {
            let row = px + n * V, l = logSumExp(row, V)
            var e: Float = 0
            for j in 0..<V { e += Foundation.exp(row[j] - l) * row[j] }
            py[n] = l - e
        }
    }
    return try record(.entropy, [logits], y) { $0.ints = [N, V] }
}

/// Backward of `H = −Σ p log p`: dx_j += −dH · p_j (log p_j + H)
func entropyRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let (N, V) = (node.ints[0], node.ints[1])
    let (dx, px, ph) = (x.gradBuffer(), x.data, node.output.data)
    parallelFor(N, grain: 4) { rows in
        for n in rows {
            let row = px + n * V, l = logSumExp(row, V)
            for j in 0..<V {
                let lp = row[j] - l
                dx[n * V + j] -= dy[n] * Foundation.exp(lp) * (lp + ph[n])
            }
        }
    }
}

// MARK: - KL divergence

/// KL (N) = Σ_j p_j (log p_j − log q_j) with p = softmax(logits), q = softmax(reference), both (N,V); the
/// reference takes no gradient. SFT's drift regularizer (`kl_to_base`): the fine-tuned model's next-token
/// distribution against the frozen base's, over the whole vocabulary. One fused op, so that a (N,V) block of
/// 152k-token rows is not copied through five elementwise ops and their gradients.
public func klDivergence(_ logits: Tensor, reference: Tensor) throws -> Tensor {
    guard let V = logits.shape.last, V > 0, reference.shape == logits.shape else {
        throw TensorError.shapeMismatch(op: "klDivergence", detail: "logits \(logits.shape), reference \(reference.shape)")
    }
    let N = logits.count / V
    let y = Tensor(uninitialized: [N])
    let (px, pr, py) = (logits.data, reference.data, y.data)
    parallelFor(N, grain: 4) { rows in
        for n in rows {
            let row = px + n * V, ref = pr + n * V
            let l = logSumExp(row, V), lr = logSumExp(ref, V)
            var kl: Float = 0
            for j in 0..<V {
                let lp = row[j] - l
                kl += Foundation.exp(lp) * (lp - (ref[j] - lr))
            }
            py[n] = kl
        }
    }
    return try record(.klDivergence, [logits], y) { $0.ints = [N, V]; $0.saved = [reference] }
}

/// Backward of `KL = Σ p (log p − log q)` in the logits: dx_j += dKL · p_j (log p_j − log q_j − KL)
func klDivergenceRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let (N, V) = (node.ints[0], node.ints[1])
    let (dx, px, pr, pkl) = (x.gradBuffer(), x.data, node.saved[0].data, node.output.data)
    parallelFor(N, grain: 4) { rows in
        for n in rows {
            let row = px + n * V, ref = pr + n * V
            let l = logSumExp(row, V), lr = logSumExp(ref, V)
            for j in 0..<V {
                let lp = row[j] - l
                dx[n * V + j] += dy[n] * Foundation.exp(lp) * (lp - (ref[j] - lr) - pkl[n])
            }
        }
    }
}

// MARK: - Row selection

/// y (M, C) = x (N, C) [rows]: the rows a loss needs (an SFT batch's answer positions), so that the LM head
/// and a whole-vocabulary term run on those alone.
public func selectRows(_ x: Tensor, rows: [Int32]) throws -> Tensor {
    guard let C = x.shape.last, C > 0 else { throw TensorError.shapeMismatch(op: "selectRows", detail: "\(x.shape)") }
    let N = x.count / C
    if let bad = rows.first(where: { $0 < 0 || Int($0) >= N }) {
        throw TensorError.invalidArgument(op: "selectRows", detail: "row \(bad) outside 0..<\(N)")
    }
    let y = Tensor(uninitialized: [rows.count, C])
    let (px, py) = (x.data, y.data)
    for (m, r) in rows.enumerated() { (py + m * C).update(from: px + Int(r) * C, count: C) }
    return try record(.selectRows, [x], y) { $0.indices = rows; $0.ints = [C] }
}

/// Backward of `y[m] = x[rows[m]]`: dx[rows[m]] += dy[m]
func selectRowsRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let dx = x.gradBuffer(), C = node.ints[0]
    for (m, r) in node.indices.enumerated() {
        let d = dx + Int(r) * C, g = dy + m * C
        for c in 0..<C { d[c] += g[c] }
    }
}

// MARK: - Cross-entropy

/// Loss normalization shared by both cross-entropy ops: Σ_n w_n · nll_n / (number of non-ignored targets).
/// Per-token weights (token-level rewards) scale each token's term; the denominator stays the token
/// count so a weight of 1 everywhere is exactly the usual mean cross-entropy.
func crossEntropyWeights(_ targets: [Int32], _ weights: [Float]?, ignoreIndex: Int32, op: String) throws -> (w: [Float], denominator: Float) {
    if let weights, weights.count != targets.count {
        throw TensorError.shapeMismatch(op: op, detail: "\(weights.count) weights for \(targets.count) targets")
    }
    var w = [Float](repeating: 0, count: targets.count), kept = 0
    for n in 0..<targets.count where targets[n] != ignoreIndex {
        w[n] = weights?[n] ?? 1
        kept += 1
    }
    return (w, Float(max(kept, 1)))
}

/// Mean token cross-entropy from logits (N,V) → [1]; targets equal to `ignoreIndex` contribute nothing.
public func crossEntropy(_ logits: Tensor, targets: [Int32], weights: [Float]? = nil, ignoreIndex: Int32 = -100) throws -> Tensor {
    guard let V = logits.shape.last, logits.count == targets.count * V else {
        throw TensorError.shapeMismatch(op: "crossEntropy", detail: "logits \(logits.shape) for \(targets.count) targets")
    }
    if let bad = targets.first(where: { $0 != ignoreIndex && ($0 < 0 || Int($0) >= V) }) {
        throw TensorError.invalidArgument(op: "crossEntropy", detail: "target \(bad) outside 0..<\(V)")
    }
    let (w, denom) = try crossEntropyWeights(targets, weights, ignoreIndex: ignoreIndex, op: "crossEntropy")
    let terms = Tensor(zeros: [targets.count])
    let (px, pt) = (logits.data, terms.data)
    parallelFor(targets.count, grain: 4) { rows in
        for n in rows where w[n] != 0 {
            let row = px + n * V
            pt[n] = w[n] * (logSumExp(row, V) - row[Int(targets[n])])
        }
    }
    var total = 0.0
    for n in 0..<targets.count { total += Double(pt[n]) }  // fixed order: deterministic
    let y = Tensor(uninitialized: [1])
    y.data[0] = Float(total / Double(denom))
    return try record(.crossEntropy, [logits], y) { $0.indices = targets; $0.floats = w.map { $0 / denom }; $0.ints = [V] }
}

/// Backward of `loss = Σ_n ŵ_n (lse_n − x[n, t_n])`: dx[n] += dloss · ŵ_n (p_n − onehot(t_n))
func crossEntropyRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let V = node.ints[0], g = dy[0], dx = x.gradBuffer()
    let (t, w) = (node.indices, node.floats)
    parallelFor(t.count, grain: 4) { rows in
        for n in rows where w[n] != 0 {
            let row = x.data + n * V, l = logSumExp(row, V), s = g * w[n]
            for j in 0..<V { dx[n * V + j] += s * Foundation.exp(row[j] - l) }
            dx[n * V + Int(t[n])] -= s
        }
    }
}
