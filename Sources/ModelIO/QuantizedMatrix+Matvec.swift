// y = W·x and Y = X·Wᵀ (small batches) over a QuantizedMatrix, split over threads by rows.
import CQuantKernels
import Foundation

extension QuantizedMatrix {
    /// y[r] = Σ_c W[r, c]·x[c] for all rows.
    ///
    /// - Parameters:
    ///   - x: `columns` activations.
    ///   - y: `rows` outputs (overwritten).
    public func matvec(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matmul(x, batch: 1, into: y)
    }

    public func matvec(_ x: [Float], into y: inout [Float]) {
        precondition(x.count == columns && y.count == rows, "matvec: x has \(x.count) (need \(columns)), y has \(y.count) (need \(rows))")
        x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { yb in matvec(xb.baseAddress!, into: yb.baseAddress!) } }
    }

    /// Y[b, r] = Σ_c W[r, c]·X[b, c] for a small batch (decode of B sequences, or a prefill chunk).
    ///
    /// Quantized types (``GGMLType/hasQuantKernel``) follow llama.cpp: each activation row is
    /// quantized once to 8-bit blocks, then each weight row is dotted in integer arithmetic with all
    /// B rows while it is in cache, so a batch of 8 costs far less than 8 matvecs. The result differs
    /// from the exact product by the activation rounding (≤ half a Q8 step per value).
    ///
    /// - Parameters:
    ///   - x: `(batch, columns)` row-major.
    ///   - y: `(batch, rows)` row-major, overwritten.
    ///   - isa: the kernel set (tests compare ``QuantKernelISA/scalar`` with ``QuantKernelISA/avx2``).
    ///   - promptBatch: the rows are one prompt's tokens, computed as llama.cpp computes a prompt batch
    ///     (its Q4_K and Q6_K batch kernels round differently from its single-row ones). Off, each row's
    ///     result is independent of the batch around it.
    public func matmul(_ x: UnsafePointer<Float>, batch: Int, into y: UnsafeMutablePointer<Float>, isa: QuantKernelISA = .auto,
                       promptBatch: Bool = false) {
        let nt = rows * columns >= 1 << 18 ? max(1, min(Self.threads, rows)) : 1
        let chunk = (rows + nt - 1) / nt
        guard type.hasQuantKernel else {
            let job = FloatMatmulJob(type: type, rows: rows, k: columns, rowBytes: rowBytes, chunk: chunk, batch: batch,
                                     base: data.baseAddress!, x: x, y: y)
            if nt == 1 { job.run(0) } else { DispatchQueue.concurrentPerform(iterations: nt) { job.run($0) } }
            return
        }
        let t = Int32(type.rawValue)
        let stride = (qk_activation_row_bytes(t, Int64(columns)) + 63) & ~63
        let xq = UnsafeMutableRawPointer.allocate(byteCount: max(batch * stride, 1), alignment: 64)
        defer { xq.deallocate() }
        for b in 0..<batch { qk_quantize_row(t, x + b * columns, Int64(columns), xq + b * stride) }
        // Rows split over a persistent C worker pool (spin-then-sleep), not GCD: see qk_pool.c.
        qk_matmul_parallel(Int32(nt), isa.rawValue, t, data.baseAddress!, rowBytes, Int64(columns), Int64(rows),
                           UnsafeRawPointer(xq), stride, Int32(batch), y, Int64(rows), promptBatch ? 1 : 0)
    }
}

/// One F32/F16/BF16 matmul's shared, read-only state handed to GCD worker threads (each writes
/// disjoint rows of y); Float32 activations, no rounding.
private struct FloatMatmulJob: @unchecked Sendable {
    let type: GGMLType, rows: Int, k: Int, rowBytes: Int, chunk: Int, batch: Int
    let base: UnsafeRawPointer, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>

    func run(_ t: Int) {
        let r0 = t * chunk, r1 = min(rows, r0 + chunk)
        guard r0 < r1 else { return }
        for r in r0..<r1 {
            let row = base + r * rowBytes
            for b in 0..<batch { y[b * rows + r] = floatRowDot(type, row, x + b * k, k) }
        }
    }
}
