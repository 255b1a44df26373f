// Row · vector in Float32 for the unquantized weight types (F32, F16, BF16); quantized types go to CQuantKernels.

typealias F8 = SIMD8<Float>

@inline(__always) func loadF8(_ p: UnsafePointer<Float>) -> F8 { UnsafeRawPointer(p).loadUnaligned(as: F8.self) }

/// Σ_k row[k]·x[k] for one F32/F16/BF16 row of `k` values (F16/BF16 dequantized in chunks of 256).
func floatRowDot(_ type: GGMLType, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ k: Int) -> Float {
    var acc: Float = 0
    if type == .f32 {
        let w = row.assumingMemoryBound(to: Float.self)
        var i = 0
        var a8 = F8()
        while i + 8 <= k { a8 += loadF8(w + i) * loadF8(x + i); i += 8 }
        while i < k { acc += w[i] * x[i]; i += 1 }
        return acc + a8.sum()
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { buf in
        var i = 0
        while i < k {
            let n = min(256, k - i)
            ModelIO.dequantize(UnsafeRawBufferPointer(start: row + i * type.blockBytes, count: n * type.blockBytes),
                               type: type, count: n, into: buf.baseAddress!)
            for j in 0..<n { acc += buf[j] * x[i + j] }
            i += n
        }
    }
    return acc
}
