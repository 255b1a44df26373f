// CQuantKernels: every covered type against a Float64 dequantize-then-dot reference, scalar vs AVX2, batch vs single.
import Foundation
import Testing
@testable import ModelIO

/// Types with C kernels and the byte offsets of their FP16 scale fields inside one block.
let kernelTypes: [(GGMLType, [Int])] = [
    (.q4_0, [0]), (.q4_1, [0, 2]), (.q5_0, [0]), (.q5_1, [0, 2]), (.q8_0, [0]),
    (.q4_K, [0, 2]), (.q5_K, [0, 2]), (.q6_K, [208]),
]

/// A random (rows, columns) matrix of `type`: random bytes with sane FP16 scales (0.001...0.05).
func randomMatrix(_ type: GGMLType, scaleOffsets: [Int], rows: Int, columns: Int,
                  using rng: inout some RandomNumberGenerator) throws -> QuantizedMatrix {
    let blocks = rows * columns / type.blockElements
    var bytes = (0..<blocks * type.blockBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
    for b in 0..<blocks {
        for o in scaleOffsets {
            let h = Float16(Float.random(in: 0.001...0.05, using: &rng)).bitPattern
            bytes[b * type.blockBytes + o] = UInt8(h & 0xFF)
            bytes[b * type.blockBytes + o + 1] = UInt8(h >> 8)
        }
    }
    return try QuantizedMatrix(type: type, rows: rows, columns: columns, blocks: bytes)
}

/// Activations already on the Q8 grid of every block (x = 2⁻⁷·q, one |q| = 127 per block sets the
/// scale to exactly 2⁻⁷, the rest |q| ≤ 60 so Σq stays exact in FP16): quantizing them loses
/// nothing, so the kernels must match the exact product up to Float32 summation error.
func gridActivations(_ n: Int, using rng: inout some RandomNumberGenerator) -> [Float] {
    var x = (0..<n).map { _ in Float(Int.random(in: -60...60, using: &rng)) / 128 }
    for b in stride(from: 0, to: n, by: 32) { x[b + Int.random(in: 0..<32, using: &rng)] = (Bool.random(using: &rng) ? 127 : -127) / 128 }
    return x
}

/// Exact Σ w·x in Double, its magnitude Σ|w·x|, and a bound on what Q8 activation rounding can add:
/// per value at most amax/254 (half a step) + amax/2048 (the FP16 scale) times the weight's size,
/// where a weight with a min term (Q4_1, Q5_1, K-quants) can reach 2·max|w| of its 32-group, and
/// the FP16 Σ term adds up to max|w|·amax/32 per 32-block: 0.01·max|w|·amax per value covers all.
func referenceDot(_ w: ArraySlice<Float>, _ x: ArraySlice<Float>, activationBlock: Int) -> (dot: Double, mag: Double, q8Bound: Double) {
    let w = Array(w), x = Array(x)
    var dot = 0.0, mag = 0.0, bound = 0.0
    for c in 0..<w.count {
        dot += Double(w[c]) * Double(x[c])
        mag += abs(Double(w[c]) * Double(x[c]))
        let g = c / 32 * 32, a = c / activationBlock * activationBlock
        let wMax = w[g..<min(g + 32, w.count)].map { abs(Double($0)) }.max()!
        let xMax = x[a..<a + activationBlock].map { abs(Double($0)) }.max()!
        bound += 0.01 * wMax * xMax
    }
    return (dot, mag, bound)
}

func isas() -> [QuantKernelISA] { QuantKernelISA.avx2.isAvailable ? [.scalar, .avx2] : [.scalar] }

@Test func quantKernelsCoverTheDefaultModelTypes() {
    for (t, _) in kernelTypes { #expect(t.hasQuantKernel, "\(t)") }
    for t in [GGMLType.f32, .f16, .bf16] { #expect(!t.hasQuantKernel) }
    print("quant kernels: \(QuantKernelISA.resolved)")
}

@Test func quantKernelsExactOnGridActivations() throws {
    var rng = SystemRandomNumberGenerator()
    for (type, offsets) in kernelTypes {
        let m = try randomMatrix(type, scaleOffsets: offsets, rows: 6, columns: 512, using: &rng)
        let w = m.dequantized(), x = gridActivations(m.columns, using: &rng)
        for isa in isas() {
            var y = [Float](repeating: 0, count: m.rows)
            x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { m.matmul(xb.baseAddress!, batch: 1, into: $0.baseAddress!, isa: isa) } }
            for r in 0..<m.rows {
                let ref = referenceDot(w[r * m.columns..<(r + 1) * m.columns], x[...], activationBlock: type.blockElements)
                #expect(abs(Double(y[r]) - ref.dot) <= 1e-5 * ref.mag + 1e-6, "\(type) \(isa) row \(r): \(y[r]) vs \(ref.dot)")
            }
        }
    }
}

@Test func quantKernelsWithinQ8RoundingOfReference() throws {
    var rng = SystemRandomNumberGenerator()
    for (type, offsets) in kernelTypes {
        let m = try randomMatrix(type, scaleOffsets: offsets, rows: 6, columns: 768, using: &rng)
        let w = m.dequantized(), x = (0..<m.columns).map { _ in Float.random(in: -2...2, using: &rng) }
        for isa in isas() {
            var y = [Float](repeating: 0, count: m.rows)
            x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { m.matmul(xb.baseAddress!, batch: 1, into: $0.baseAddress!, isa: isa) } }
            for r in 0..<m.rows {
                let ref = referenceDot(w[r * m.columns..<(r + 1) * m.columns], x[...], activationBlock: type.blockElements)
                #expect(abs(Double(y[r]) - ref.dot) <= ref.q8Bound, "\(type) \(isa) row \(r): \(y[r]) vs \(ref.dot) (bound \(ref.q8Bound))")
            }
        }
    }
}

@Test func scalarAndAVX2KernelsAgree() throws {
    guard QuantKernelISA.avx2.isAvailable else { print("SKIP: this CPU has no AVX2+FMA+F16C"); return }
    var rng = SystemRandomNumberGenerator()
    for (type, offsets) in kernelTypes {
        let m = try randomMatrix(type, scaleOffsets: offsets, rows: 64, columns: 1024, using: &rng)
        let batch = 3
        let x = (0..<batch * m.columns).map { _ in Float.random(in: -3...3, using: &rng) }
        func run(_ isa: QuantKernelISA) -> [Float] {
            var y = [Float](repeating: 0, count: batch * m.rows)
            x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { m.matmul(xb.baseAddress!, batch: batch, into: $0.baseAddress!, isa: isa) } }
            return y
        }
        let s = run(.scalar), a = run(.avx2)
        let w = m.dequantized()
        for b in 0..<batch {
            for r in 0..<m.rows {
                // Same integer block sums; only the Float32 accumulation order differs.
                let mag = referenceDot(w[r * m.columns..<(r + 1) * m.columns], x[b * m.columns..<(b + 1) * m.columns], activationBlock: type.blockElements).mag
                #expect(abs(Double(s[b * m.rows + r]) - Double(a[b * m.rows + r])) <= 1e-5 * mag + 1e-6, "\(type) b\(b) r\(r)")
            }
        }
    }
}

/// A prompt batch (llama.cpp's Q4_K 4-row gemm and Q6_K tiled order) rounds the same on both ISAs,
/// bit for bit, and stays within float rounding of the per-row kernels.
@Test func promptBatchRoundingIsTheSameOnEveryISA() throws {
    guard QuantKernelISA.avx2.isAvailable else { print("SKIP: this CPU has no AVX2+FMA+F16C"); return }
    var rng = SystemRandomNumberGenerator()
    for (type, offsets) in kernelTypes where type == .q4_K || type == .q6_K {
        let m = try randomMatrix(type, scaleOffsets: offsets, rows: 64, columns: 1024, using: &rng)
        let batch = 9  // Q4_K: 8 gemm rows + 1 single; Q6_K: tiled (≥ 8)
        let x = (0..<batch * m.columns).map { _ in Float.random(in: -3...3, using: &rng) }
        func run(_ isa: QuantKernelISA, prompt: Bool) -> [Float] {
            var y = [Float](repeating: 0, count: batch * m.rows)
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { m.matmul(xb.baseAddress!, batch: batch, into: $0.baseAddress!, isa: isa, promptBatch: prompt) }
            }
            return y
        }
        let s = run(.scalar, prompt: true), a = run(.avx2, prompt: true), single = run(.avx2, prompt: false)
        #expect(s == a, "\(type): scalar and AVX2 prompt batches differ")
        let w = m.dequantized()
        for b in 0..<batch {
            for r in 0..<m.rows {
                let mag = referenceDot(w[r * m.columns..<(r + 1) * m.columns], x[b * m.columns..<(b + 1) * m.columns], activationBlock: type.blockElements).mag
                #expect(abs(Double(s[b * m.rows + r]) - Double(single[b * m.rows + r])) <= 1e-5 * mag + 1e-6, "\(type) b\(b) r\(r)")
            }
        }
        if type == .q4_K { #expect(a[(batch - 1) * m.rows..<batch * m.rows] == single[(batch - 1) * m.rows..<batch * m.rows]) }
    }
}

/// Batch B equals B single matvecs bit for bit, also when rows are split over threads.
@Test func batchedQuantMatmulEqualsSingleMatvecs() throws {
    var rng = SystemRandomNumberGenerator()
    for (type, offsets) in kernelTypes {
        let m = try randomMatrix(type, scaleOffsets: offsets, rows: 1024, columns: 256, using: &rng)  // ≥ 2¹⁸: threaded
        expectBatchEqualsSingleMatvecs(m, batch: 8, label: "\(type)", using: &rng)
    }
}

/// `m.matmul` over `batch` random activation rows equals `batch` single matvecs, bit for bit.
func expectBatchEqualsSingleMatvecs<G: RandomNumberGenerator>(_ m: QuantizedMatrix, batch: Int, label: String, using rng: inout G) {
    let xs = (0..<batch * m.columns).map { _ in Float.random(in: -1...1, using: &rng) }
    var ys = [Float](repeating: 0, count: batch * m.rows)
    xs.withUnsafeBufferPointer { xb in ys.withUnsafeMutableBufferPointer { m.matmul(xb.baseAddress!, batch: batch, into: $0.baseAddress!) } }
    for b in 0..<batch {
        var yb = [Float](repeating: 0, count: m.rows)
        m.matvec(Array(xs[b * m.columns..<(b + 1) * m.columns]), into: &yb)
        #expect(Array(ys[b * m.rows..<(b + 1) * m.rows]) == yb, "\(label) batch row \(b)")
    }
}
