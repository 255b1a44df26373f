// Reductions (sum, mean) and the embedding gather with its scatter-add gradient.
import Foundation

// Legend: n elements; N tokens; V vocab rows; C channels.

// MARK: - Sum / mean

/// Σ x over all elements → shape [1]. Accumulates in Float64 per chunk, chunks combined in order (deterministic).
public func sum(_ x: Tensor) throws -> Tensor { try reduce(.sum, x) }
/// Mean over all elements → shape [1].
public func mean(_ x: Tensor) throws -> Tensor { try reduce(.mean, x) }

private func reduce(_ op: Op, _ x: Tensor) throws -> Tensor {
    let chunks = parallelChunks(x.count, grain: 1 << 16)
    var partial = [Double](repeating: 0, count: chunks)
    let px = x.data
    partial.withUnsafeMutableBufferPointer { part in
        let p = part.baseAddress!
        parallelForChunks(x.count, grain: 1 << 16) { chunk, r in
            var s = 0.0
            for i in r { s += Double(px[i]) }
            p[chunk] = s
        }
    }
    let total = partial.reduce(0, +)
    let y = Tensor(uninitialized: [1])
    y.data[0] = Float(op == .mean ? total / Double(Swift.max(x.count, 1)) : total)
    return try record(op, [x], y)
}

/// Backward of `y = Σ x` (or mean): dx += dy (÷ n)
func reduceRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let g = node.op == .mean ? dy[0] / Float(x.count) : dy[0]
    let dx = x.gradBuffer()
    parallelFor(x.count, grain: 1 << 14) { r in for i in r { dx[i] += g } }
}

// MARK: - Embedding

/// out (N,C) = table (V,C) [tokens (N)]
func embeddingForward(_ out: UnsafeMutablePointer<Float>, _ table: UnsafePointer<Float>, _ tokens: UnsafePointer<Int32>, N: Int, C: Int) {
    parallelFor(N, grain: 64) { rows in
        for n in rows { (out + n * C).update(from: table + Int(tokens[n]) * C, count: C) }
    }
}

/// Backward of `out[n] = table[tokens[n]]`: dtable[tokens[n]] += dout[n]. Split over channel ranges, not rows,
/// so repeated tokens never race and the summation order is fixed.
func embeddingBackward(_ dtable: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ tokens: UnsafePointer<Int32>, N: Int, C: Int) {
    parallelFor(C, grain: 32) { cols in
        for n in 0..<N {
            let src = dout + n * C, dst = dtable + Int(tokens[n]) * C
            for c in cols { dst[c] += src[c] }
        }
    }
}

/// Rows of `table` (V, C) selected by `tokens` → (tokens.count, C). Token ids must lie in 0..<V.
public func embedding(_ table: Tensor, tokens: [Int32]) throws -> Tensor {
    guard table.shape.count == 2 else {
        throw TensorError.shapeMismatch(op: "embedding", detail: "\(table.name) must be (V, C), got \(table.shape)")
    }
    let (V, C) = (table.shape[0], table.shape[1])
    if let bad = tokens.first(where: { $0 < 0 || Int($0) >= V }) {
        throw TensorError.invalidArgument(op: "embedding", detail: "token id \(bad) outside vocabulary 0..<\(V)")
    }
    let out = Tensor(uninitialized: [tokens.count, C])
    tokens.withUnsafeBufferPointer { embeddingForward(out.data, table.data, $0.baseAddress!, N: tokens.count, C: C) }
    return try record(.embedding, [table], out) { $0.indices = tokens }
}

func embeddingRule(_ node: Node, _ dout: UnsafeMutablePointer<Float>) {
    let table = node.inputs[0]
    guard table.requiresGrad else { return }
    node.indices.withUnsafeBufferPointer {
        embeddingBackward(table.gradBuffer(), dout, $0.baseAddress!, N: node.indices.count, C: table.shape[1])
    }
}
