// Many rows at once (prefill): dequantize a chunk of weight rows to Float32 and run one sgemm.
import COpenBLAS
import Foundation
import ModelIO
import Tensor

// Why: the quantized kernels apply every weight row to each activation row in turn, so R rows cost
// R matvecs (less with the 8-row kernels, but still linear in R). Dequantizing a weight costs a
// fixed amount; after that sgemm runs near the BLAS peak, so for long prompts the dequantize +
// sgemm route wins (llama.cpp's BLAS backend does the same for large batches). Chunks of weight rows keep the Float32 copy bounded, even for the vocabulary head.

extension QuantizedMatrix {
    /// Rows at which ``product(_:batch:into:scratch:)`` leaves the quantized kernels for sgemm.
    ///
    /// Below it the kernels compute what llama.cpp computes, bit for bit on SmolLM2 (docs/GENERATION.md),
    /// and they are also the faster route there (Qwen2.5-Coder, 128 tokens: 150 tok/s against 109, since
    /// sgemm first dequantizes every matrix). Long prompts (up to 512-row chunks) amortize the
    /// dequantization; their logits then differ from llama.cpp's by summation order only.
    static let gemmMinRows = 256
    /// Float32 weights dequantized per sgemm call (32 MB of scratch).
    static let gemmChunkValues = 1 << 23

    /// Y (batch, rows) = X (batch, columns) · Wᵀ, by the quantized kernels for small batches (decode)
    /// and by dequantize + sgemm for large ones (prefill).
    ///
    /// The activations are first rounded to the kernels' 8-bit grid (``roundActivations``), so a
    /// prompt's logits do not depend on which route its rows took, and match llama.cpp's.
    ///
    /// - Parameter scratch: hands out a named buffer of at least the given number of floats (reused across calls).
    func product(_ x: UnsafePointer<Float>, batch: Int, into y: UnsafeMutablePointer<Float>, promptBatch: Bool = false,
                 scratch: (String, Int) -> UnsafeMutablePointer<Float>) {
        if type == .f32, columns > 0, batch > 0 {
            // Float32 rows (a merged adapter's projections, a safetensors model) need no dequantizing and
            // no activation rounding: one sgemm on them, at any batch. ModelIO's per-row dot products are
            // Swift SIMD, which baseline x86-64 compiles to SSE without FMA: with the 4 adapted projections
            // of a LoRA arm merged as Float32 rows, they took about half of a batched decode step.
            let w = data.baseAddress!.assumingMemoryBound(to: Float.self)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch), Int32(rows), Int32(columns),
                        1, x, Int32(columns), w, Int32(rowBytes / 4), 0, y, Int32(rows))
            return
        }
        guard batch >= Self.gemmMinRows, columns > 0 else { return matmul(x, batch: batch, into: y, promptBatch: promptBatch) }
        let rounded = scratch("gemm-x", batch * columns)
        let x = roundActivations(x, rows: batch, into: rounded) ? UnsafePointer(rounded) : x
        let chunk = max(1, min(rows, Self.gemmChunkValues / columns))
        let w = scratch("gemm-w", chunk * columns)
        var r0 = 0
        while r0 < rows {
            let n = min(chunk, rows - r0), first = r0
            parallelFor(n, grain: 16) { rs in for r in rs { self.dequantizeRow(first + r, into: w + r * self.columns) } }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch), Int32(n), Int32(columns),
                        1, x, Int32(columns), w, Int32(columns), 0, y + r0, Int32(rows))
            r0 += n
        }
    }
}

