// Linear and matmul: every matrix product goes through cblas_sgemm with transposes folded into the call (no copies),
// except a product against a frozen weight's bf16 copy (`WeightOperand`, BF16Weights.swift).
import COpenBLAS

// Legend: N rows (B*T tokens), I input features, O output features, M/K/P generic GEMM dims.

/// Row-major sgemm: C (M,N) = alpha * op(A) (M,K) · op(B) (K,N) + beta * C.
@inline(__always)
func sgemm(
    _ transA: Bool, _ transB: Bool, _ M: Int, _ N: Int, _ K: Int,
    _ alpha: Float, _ A: UnsafePointer<Float>, _ lda: Int, _ B: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ C: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(M), Int32(N), Int32(K), alpha, A, Int32(lda), B, Int32(ldb), beta, C, Int32(ldc))
}

// MARK: - Kernels

/// y (N,O) = x (N,I) · w (O,I)ᵀ + b (O)
func linearForward(
    _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: WeightOperand,
    _ b: UnsafePointer<Float>?, N: Int
) {
    let O = w.O
    if let b {
        // Seed C with the bias so the GEMM's accumulate (beta = 1) adds the product in one pass.
        parallelFor(N, grain: 64) { rows in
            for n in rows { (y + n * O).update(from: b, count: O) }
        }
    }
    w.timesTransposed(x, rows: N, into: y, accumulate: b != nil)
}

/// Backward of `y = x · wᵀ + b`: dx += dy · w ; dw += dyᵀ · x ; db += Σ_n dy
func linearBackward(
    dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
    dy: UnsafePointer<Float>, x: UnsafePointer<Float>, w: WeightOperand, N: Int
) {
    let (I, O) = (w.I, w.O)
    if let dx { w.times(dy, rows: N, into: dx, accumulate: true) }
    if let dw { sgemm(true, false, O, I, N, 1, dy, O, x, I, 1, dw, I) }
    if let db {
        let ones = Tensor(uninitialized: [N])
        ones.data.update(repeating: 1, count: N)
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(N), Int32(O), 1, dy, Int32(O), ones.data, 1, 1, db, 1)
    }
}

// MARK: - Ops

/// `x · wᵀ + bias` over the last axis: x (…, I), w (O, I), bias (O) → (…, O). The layout of HF
/// `nn.Linear` weights, so checkpoints load without transposing.
public func linear(_ x: Tensor, _ w: Tensor, _ bias: Tensor? = nil) throws -> Tensor {
    guard w.shape.count == 2, let I = x.shape.last, w.shape[1] == I else {
        throw TensorError.shapeMismatch(op: "linear", detail: "x \(x.shape) · \(w.name) \(w.shape)ᵀ: inner dims differ")
    }
    let O = w.shape[0], N = x.count / max(I, 1)
    if let bias, bias.shape != [O] {
        throw TensorError.shapeMismatch(op: "linear", detail: "bias \(bias.name) \(bias.shape), expected [\(O)]")
    }
    let y = Tensor(uninitialized: Array(x.shape.dropLast()) + [O])
    linearForward(y.data, x.data, WeightOperand(w), bias?.data, N: N)
    return try record(.linear, bias.map { [x, w, $0] } ?? [x, w], y) { $0.ints = [N, I, O] }
}

/// Batched matmul: op(a) (…, M, K) · op(b) (…, K, P) → (…, M, P). `b` may be 2-D (shared by every batch).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
    guard a.shape.count >= 2, b.shape.count >= 2 else {
        throw TensorError.shapeMismatch(op: "matmul", detail: "needs ≥2-D operands, got \(a.shape) and \(b.shape)")
    }
    let ar = a.shape.count, br = b.shape.count
    let M = transposeA ? a.shape[ar - 1] : a.shape[ar - 2], K = transposeA ? a.shape[ar - 2] : a.shape[ar - 1]
    let Kb = transposeB ? b.shape[br - 1] : b.shape[br - 2], P = transposeB ? b.shape[br - 2] : b.shape[br - 1]
    let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
    guard K == Kb, batchB.isEmpty || batchB == batchA else {
        throw TensorError.shapeMismatch(
            op: "matmul", detail: "\(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    }
    let batches = batchA.reduce(1, *)
    let y = Tensor(uninitialized: batchA + [M, P])
    let strideB = batchB.isEmpty ? 0 : K * P
    for i in 0..<batches {
        sgemm(transposeA, transposeB, M, P, K, 1, a.data + i * M * K, a.shape[ar - 1],
              b.data + i * strideB, b.shape[br - 1], 0, y.data + i * M * P, P)
    }
    return try record(.matmul, [a, b], y) { $0.ints = [batches, M, K, P, transposeA ? 1 : 0, transposeB ? 1 : 0, strideB] }
}

/// Backward of `C = op(A) · op(B)` per batch: dop(A) = dC · op(B)ᵀ ; dop(B) = op(A)ᵀ · dC
func matmulBackward(_ node: Node, _ dC: UnsafeMutablePointer<Float>) {
    let (a, b) = (node.inputs[0], node.inputs[1])
    let i = node.ints
    let (batches, M, K, P, tA, tB, strideB) = (i[0], i[1], i[2], i[3], i[4] == 1, i[5] == 1, i[6])
    let lda = a.shape.last!, ldb = b.shape.last!
    let da = a.requiresGrad ? a.gradBuffer() : nil, db = b.requiresGrad ? b.gradBuffer() : nil
    for n in 0..<batches {
        let A = a.data + n * M * K, B = b.data + n * strideB, G = dC + n * M * P
        if let da {
            if !tA { sgemm(false, !tB, M, K, P, 1, G, P, B, ldb, 1, da + n * M * K, lda) }
            else { sgemm(tB, true, K, M, P, 1, B, ldb, G, P, 1, da + n * M * K, lda) }
        }
        if let db {
            if !tB { sgemm(!tA, false, K, P, M, 1, A, lda, G, P, 1, db + n * strideB, ldb) }
            else { sgemm(true, tA, P, K, M, 1, G, P, A, lda, 1, db + n * strideB, ldb) }
        }
    }
}

/// Backward rule for `linear`.
func linearRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let (x, w) = (node.inputs[0], node.inputs[1])
    let bias = node.inputs.count > 2 ? node.inputs[2] : nil
    linearBackward(
        dx: x.requiresGrad ? x.gradBuffer() : nil, dw: w.requiresGrad ? w.gradBuffer() : nil,
        db: (bias?.requiresGrad ?? false) ? bias!.gradBuffer() : nil,
        dy: dy, x: x.data, w: WeightOperand(w), N: node.ints[0])
}
