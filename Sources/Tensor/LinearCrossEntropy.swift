// Fused LM head + cross-entropy over vocabulary chunks: the (N, V) logits never exist in full, forward or backward.
import Foundation

// Legend: N tokens, C channels, V vocab, R rows per chunk. logits (R,V) = h (R,C) · W (V,C)ᵀ.
// Forward keeps only lse (N). Backward recomputes each chunk's logits (one extra sgemm) rather than storing
// N·V floats: for Qwen2.5's V = 151936 at N = 1024 that is 622 MB saved, twice (logits and their gradient).

/// Rows per chunk so one chunk of logits stays near 64 MB.
func lceChunkRows(N: Int, V: Int) -> Int { max(1, min(N, (16 << 20) / max(V, 1))) }

/// The rows whose loss counts, and the hidden states gathered to them.
///
/// Why: in RL and SFT batches the prompt positions carry no target, and with Qwen2.5's 151,936-word head
/// one row's logits cost about 136 M multiply-adds, over a third of what the whole transformer body
/// spends on a token. Running the head's GEMMs (forward, the backward recomputation and dh/dW) on the
/// counted rows only removes that work for every prompt token; the results are scattered back, and
/// skipped rows get exactly what they got before (0 loss, 0 gradient).
struct ActiveRows {
    /// Indices of the counted rows, ascending.
    let rows: [Int]
    /// h gathered to `rows` (M, C), or nil when every row counts (then h is used in place).
    let gathered: Tensor?

    init(count N: Int, C: Int, h: UnsafePointer<Float>, where counts: (Int) -> Bool) {
        rows = (0..<N).filter(counts)
        guard rows.count < N else { gathered = nil; return }
        let g = Tensor(uninitialized: [max(rows.count, 1), C])
        for (m, n) in rows.enumerated() { (g.data + m * C).update(from: h + n * C, count: C) }
        gathered = g
    }

    var count: Int { rows.count }
    /// The (M, C) hidden states of the counted rows.
    func hidden(_ h: UnsafePointer<Float>) -> UnsafePointer<Float> { gathered.map { UnsafePointer($0.data) } ?? h }

    /// Scratch (R, C) for ``inputGradient(_:_:into:start:rows:C:V:add:scratch:)`` when rows are gathered.
    func scratch(R: Int, C: Int) -> Tensor? { gathered == nil ? nil : Tensor(uninitialized: [R, C]) }

    /// dh at the places of counted rows `start ..< start + rows` += (`add`) or = dlogits (rows, V) · W (V, C).
    /// With rows gathered the product goes to `scratch` first and is scattered from there.
    func inputGradient(_ L: UnsafePointer<Float>, _ W: WeightOperand, into dh: UnsafeMutablePointer<Float>,
                       start: Int, rows: Int, C: Int, V: Int, add: Bool, scratch: Tensor?) {
        guard let scratch else { W.times(L, rows: rows, into: dh + start * C, accumulate: add); return }
        W.times(L, rows: rows, into: scratch.data, accumulate: false)
        for r in 0..<rows {
            let dst = dh + self.rows[start + r] * C, src = scratch.data + r * C
            if add { for c in 0..<C { dst[c] += src[c] } } else { dst.update(from: src, count: C) }
        }
    }
}

/// nll (N) = lse(h Wᵀ) − (h Wᵀ)[n, t_n] ; ignored rows give 0. lse (N) is saved for backward.
func linearNLLForward(
    _ nll: UnsafeMutablePointer<Float>, _ lse: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>,
    _ W: WeightOperand, _ targets: [Int32], ignoreIndex: Int32, N: Int, C: Int, V: Int
) {
    nll.update(repeating: 0, count: N)
    lse.update(repeating: 0, count: N)
    let active = ActiveRows(count: N, C: C, h: h) { targets[$0] != ignoreIndex }
    let M = active.count, hc = active.hidden(h)
    let R = lceChunkRows(N: M, V: V)
    let logits = Tensor(uninitialized: [R, V])
    let L = logits.data
    for start in stride(from: 0, to: M, by: R) {
        let rows = min(R, M - start)
        W.timesTransposed(hc + start * C, rows: rows, into: L, accumulate: false)
        parallelFor(rows) { rr in
            for r in rr {
                let n = active.rows[start + r], row = L + r * V
                let l = logSumExp(row, V)
                lse[n] = l
                nll[n] = l - row[Int(targets[n])]
            }
        }
    }
}

/// Backward of `nll_n = lse_n − logits[n, t_n]`, chunk by chunk over the counted rows:
///   dlogits = dnll_n (softmax − onehot) ; dh += dlogits · W ; dW += dlogitsᵀ · h
func linearNLLBackward(
    dh: UnsafeMutablePointer<Float>?, dW: UnsafeMutablePointer<Float>?, dnll: UnsafePointer<Float>,
    h: UnsafePointer<Float>, W: WeightOperand, lse: UnsafePointer<Float>, _ targets: [Int32],
    ignoreIndex: Int32, N: Int, C: Int, V: Int
) {
    let active = ActiveRows(count: N, C: C, h: h) { targets[$0] != ignoreIndex && dnll[$0] != 0 }
    let M = active.count, hc = active.hidden(h)
    let R = lceChunkRows(N: M, V: V)
    let logits = Tensor(uninitialized: [R, V])
    let L = logits.data
    let scratch = dh == nil ? nil : active.scratch(R: R, C: C)
    for start in stride(from: 0, to: M, by: R) {
        let rows = min(R, M - start)
        W.timesTransposed(hc + start * C, rows: rows, into: L, accumulate: false)
        parallelFor(rows) { rr in
            for r in rr {
                let n = active.rows[start + r], row = L + r * V
                let (g, l) = (dnll[n], lse[n])
                for j in 0..<V { row[j] = g * Foundation.exp(row[j] - l) }
                row[Int(targets[n])] -= g
            }
        }
        if let dh { active.inputGradient(L, W, into: dh, start: start, rows: rows, C: C, V: V, add: true, scratch: scratch) }
        if let dW { sgemm(true, false, V, C, rows, 1, L, V, hc + start * C, C, 1, dW, C) }
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
    linearNLLForward(nll.data, lse.data, hidden.data, WeightOperand(weight), targets, ignoreIndex: ignoreIndex, N: N, C: C, V: V)
    return try record(.tokenNLL, [hidden, weight], nll) {
        $0.saved = [lse]; $0.indices = targets; $0.ints = [N, C, V, Int(ignoreIndex)]
    }
}

func tokenNLLRule(_ node: Node, _ dnll: UnsafeMutablePointer<Float>) {
    let (h, W) = (node.inputs[0], node.inputs[1])
    let i = node.ints
    linearNLLBackward(
        dh: h.requiresGrad ? h.gradBuffer() : nil, dW: W.requiresGrad ? W.gradBuffer() : nil, dnll: dnll,
        h: h.data, W: WeightOperand(W), lse: node.saved[0].data, node.indices, ignoreIndex: Int32(i[3]), N: i[0], C: i[1], V: i[2])
}

// MARK: - Scalar loss with gradients computed in the forward pass

/// loss = Σ_n ŵ_n (lse_n − logits[n, t_n]) with ŵ = w / #non-ignored. When gradients are wanted, each chunk's
/// dlogits = ŵ_n (softmax − onehot) is formed while its logits are still in cache and turned into
///   dh (N,C) = dlogits · W ; dW (V,C) = Σ_chunks dlogitsᵀ · h
/// right away, for a unit seed. Backward then only scales by the seed: 3 head GEMMs per step instead of 4,
/// for one extra (V,C) buffer (the N·V logits and their gradient are still never stored).
func linearCrossEntropyForward(
    _ h: UnsafePointer<Float>, _ W: WeightOperand, _ targets: [Int32], _ what: [Float],
    dh: UnsafeMutablePointer<Float>?, dW: UnsafeMutablePointer<Float>?, N: Int, C: Int, V: Int
) -> Double {
    // Rows of weight 0 (ignored targets, prompt positions) add nothing and get a zero gradient.
    let active = ActiveRows(count: N, C: C, h: h) { what[$0] != 0 }
    let M = active.count, hc = active.hidden(h)
    let R = lceChunkRows(N: M, V: V)
    let logits = Tensor(uninitialized: [R, V]), terms = Tensor(zeros: [N])
    let (L, term) = (logits.data, terms.data)
    let wantGrad = dh != nil || dW != nil
    let scratch = dh == nil ? nil : active.scratch(R: R, C: C)
    if let dh, scratch != nil { dh.update(repeating: 0, count: N * C) }  // rows that do not count keep 0
    if let dW, M == 0 { dW.update(repeating: 0, count: V * C) }
    for start in stride(from: 0, to: M, by: R) {
        let rows = min(R, M - start)
        W.timesTransposed(hc + start * C, rows: rows, into: L, accumulate: false)
        parallelFor(rows) { rr in
            for r in rr {
                let n = active.rows[start + r], row = L + r * V, w = what[n]
                let t = Int(targets[n])
                guard wantGrad else { term[n] = w * (logSumExp(row, V) - row[t]); continue }
                // One exp per logit: e_j = exp(x_j − max) serves both lse and softmax.
                var mx = -Float.infinity
                for j in 0..<V { mx = max(mx, row[j]) }
                let target = row[t]
                var z: Float = 0
                for j in 0..<V { let e = Foundation.exp(row[j] - mx); row[j] = e; z += e }
                term[n] = w * (mx + Foundation.log(z) - target)
                let k = w / z
                for j in 0..<V { row[j] *= k }
                row[t] -= w
            }
        }
        if let dh { active.inputGradient(L, W, into: dh, start: start, rows: rows, C: C, V: V, add: false, scratch: scratch) }
        if let dW { sgemm(true, false, V, C, rows, 1, L, V, hc + start * C, C, start == 0 ? 0 : 1, dW, C) }
    }
    var total = 0.0
    for n in 0..<N { total += Double(term[n]) }
    return total
}

/// Backward of the fused loss: dh += seed · dh₁ ; dW += seed · dW₁ (the unit-seed gradients saved by forward)
func linearCrossEntropyRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let g = dy[0]
    for (input, saved) in zip(node.inputs, node.saved) where input.requiresGrad {
        let (dst, src) = (input.gradBuffer(), saved.data)
        parallelFor(input.count, grain: 1 << 15) { r in for i in r { dst[i] += g * src[i] } }
    }
}

/// Cross-entropy of the LM head without materializing logits: Σ_n w_n nll_n / #non-ignored (see `crossEntropy`).
/// - Parameters:
///   - hidden: final normalized hidden states (N, C).
///   - weight: LM head (V, C) — the embedding table when embeddings are tied.
///   - weights: optional per-token weights (token-level rewards); ignored targets always weigh 0.
public func linearCrossEntropy(
    _ hidden: Tensor, head weight: Tensor, targets: [Int32], weights: [Float]? = nil, ignoreIndex: Int32 = -100
) throws -> Tensor {
    guard weight.shape.count == 2, let C = hidden.shape.last, weight.shape[1] == C, hidden.count == targets.count * C else {
        throw TensorError.shapeMismatch(
            op: "linearCrossEntropy", detail: "hidden \(hidden.shape), \(weight.name) \(weight.shape), \(targets.count) targets")
    }
    let V = weight.shape[0], N = targets.count
    if let bad = targets.first(where: { $0 != ignoreIndex && ($0 < 0 || Int($0) >= V) }) {
        throw TensorError.invalidArgument(op: "linearCrossEntropy", detail: "target \(bad) outside 0..<\(V)")
    }
    let (w, denom) = try crossEntropyWeights(targets, weights, ignoreIndex: ignoreIndex, op: "linearCrossEntropy")
    let what = w.map { $0 / denom }
    let wantGrad = needsGrad([hidden, weight])
    let dh = wantGrad && hidden.requiresGrad ? Tensor(uninitialized: hidden.shape) : nil
    let dW = wantGrad && weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
    let total = linearCrossEntropyForward(hidden.data, WeightOperand(weight), targets, what, dh: dh?.data, dW: dW?.data, N: N, C: C, V: V)
    let loss = Tensor(uninitialized: [1])
    loss.data[0] = Float(total)
    // Saved gradients line up with inputs; a placeholder stands in for an input that needs none.
    return try record(.linearCrossEntropy, [hidden, weight], loss) {
        $0.saved = [dh ?? Tensor(uninitialized: [0]), dW ?? Tensor(uninitialized: [0])]
    }
}
