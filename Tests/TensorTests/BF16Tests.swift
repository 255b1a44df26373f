// The bf16 GEMM path against the Float32 reference: rounding, the bound on products, and the fallbacks.
import CBF16
import Foundation
import Testing
@testable import Tensor

@Suite struct BF16Tests {
    @Test func conversionRoundsToNearestEven() {
        let values: [Float] = [1, -2.5, 1 + 1.0 / 256, 1 + 3.0 / 256, 1 + 1.0 / 128 + 1.0 / 256 + 1.0 / 65536, .infinity, .nan]
        var out = [UInt16](repeating: 0, count: values.count)
        bf16_from_f32(values, &out, Int64(values.count))
        #expect(Array(out[0..<5]) == [0x3F80, 0xC020, 0x3F80, 0x3F82, 0x3F82])  // ties to even; above a tie rounds up
        #expect(out[5] == 0x7F80)
        #expect(out[6] & 0x7F80 == 0x7F80 && out[6] & 0x7F != 0, "NaN must stay NaN")
        var back = [Float](repeating: 0, count: 2)
        bf16_to_f32([0x3F80, 0xC020], &back, 2)
        #expect(back == [1, -2.5])
    }

    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededRNG(seed: seed)
        return Tensor.randn(shape, std: 1, rng: &rng)
    }

    /// Rounding both factors to bf16 (8 significant bits) moves each product by at most about 2⁻⁸ of its
    /// size, and the sums stay Float32: |y_bf16 − y_f32| ≤ 2⁻⁷ · Σ|x||w| per output, with room to spare.
    static func bound(_ x: Tensor, _ w: Tensor, row n: Int, column o: Int, I: Int) -> Float {
        var s: Float = 0
        for i in 0..<I { s += abs(x.data[n * I + i] * w.data[o * I + i]) }
        return s / 128 + 1e-5
    }

    @Test func linearForwardAndBackwardStayWithinTheBound() throws {
        let (N, I, O) = (37, 48, 70)
        let x = Self.random([N, I], seed: 1), w = Self.random([O, I], seed: 2), bias = Self.random([O], seed: 3)
        x.requiresGrad = true
        let g = Self.random([N, O], seed: 4)
        func run() throws -> (y: [Float], dx: [Float]) {
            x.zeroGrad()
            let y = try linear(x, w, bias)
            try sum(mul(y, g)).backward()
            return (Array(UnsafeBufferPointer(start: y.data, count: y.count)),
                    Array(UnsafeBufferPointer(start: x.grad!.data, count: x.count)))
        }
        let reference = try run()
        w.attachBF16()
        defer { w.detachBF16() }
        let low = try run()
        guard ComputePrecision.bf16Unavailable == nil else {
            print("BF16Tests: bf16 GEMMs unavailable here (\(ComputePrecision.bf16Unavailable!)); checking the Float32 fallback")
            #expect(low.y == reference.y && low.dx == reference.dx, "the fallback must be the Float32 path exactly")
            return
        }
        #expect(low.y != reference.y, "the bf16 path did not run")
        for n in 0..<N {
            for o in 0..<O {
                let d = abs(low.y[n * O + o] - reference.y[n * O + o])
                #expect(d <= Self.bound(x, w, row: n, column: o, I: I), "y[\(n), \(o)] off by \(d)")
            }
        }
        // dx = g · w: the same bound with the roles of the factors swapped.
        for n in 0..<N {
            for i in 0..<I {
                var s: Float = 0
                for o in 0..<O { s += abs(g.data[n * O + o] * w.data[o * I + i]) }
                let d = abs(low.dx[n * I + i] - reference.dx[n * I + i])
                #expect(d <= s / 128 + 1e-5, "dx[\(n), \(i)] off by \(d)")
            }
        }
    }

    /// A frozen weight that keeps only its bf16 copy computes what it computed with both (the GEMMs read
    /// the copy either way; without bf16 GEMMs the fallback multiplies a Float32 copy of it), frees its
    /// Float32 buffer, and gets Float32 data back, rounded to bf16, when something reads it.
    @Test func releasedWeightsComputeFromTheirCopy() throws {
        let x = Self.random([9, 32], seed: 7), w = Self.random([12, 32], seed: 8)
        x.requiresGrad = true
        let g = Self.random([9, 12], seed: 9)
        // bf16 values from the start, so that the sgemm fallback (no bf16 GEMMs here) agrees bit for bit too.
        var bits = [UInt16](repeating: 0, count: w.count)
        bf16_from_f32(w.data, &bits, Int64(w.count))
        bf16_to_f32(bits, w.data, Int64(w.count))
        func run() throws -> [Float] {
            x.zeroGrad()
            let y = try linear(x, w)
            try sum(mul(y, g)).backward()
            return y.values + x.grad!.values
        }
        let trainable = Self.random([4, 4], seed: 10)
        trainable.requiresGrad = true
        trainable.attachBF16()
        trainable.releaseFloat32()
        #expect(!trainable.float32Released, "a trainable weight keeps its Float32 data")
        w.releaseFloat32()
        #expect(!w.float32Released, "no copy, nothing to release")
        w.attachBF16()
        let kept = try run()
        w.releaseFloat32()
        #expect(w.float32Released && w.storage.count == 0)
        #expect(try run() == kept)
        // Reading the data remakes it from the copy: every value is a bf16 value, and the GEMMs are unchanged.
        let remade = w.values
        #expect(!w.float32Released && remade.allSatisfy { $0.bitPattern & 0xFFFF == 0 })
        #expect(try run() == kept)
        // Detaching the copy of a released weight keeps its (rounded) values.
        w.releaseFloat32()
        w.detachBF16()
        #expect(!w.float32Released && w.bf16 == nil && w.values == remade)
    }

    /// A trainable weight multiplies in Float32 even with a bf16 copy attached: its gradient and its
    /// updates must see exactly the values the optimizer holds.
    @Test func trainableWeightsIgnoreTheirCopy() throws {
        let x = Self.random([5, 16], seed: 5), w = Self.random([8, 16], seed: 6)
        w.requiresGrad = true
        let reference = try linear(x, w)
        w.attachBF16()
        let y = try linear(x, w)
        #expect(Array(UnsafeBufferPointer(start: y.data, count: y.count))
            == Array(UnsafeBufferPointer(start: reference.data, count: reference.count)))
    }

    /// The fused LM-head loss (the largest GEMMs of a step) takes the same path as `linear`.
    @Test func fusedHeadLossStaysClose() throws {
        let (N, C, V) = (12, 32, 300)
        let h = Self.random([N, C], seed: 7), head = Self.random([V, C], seed: 8)
        h.requiresGrad = true
        let targets = (0..<N).map { Int32(($0 * 37) % V) }
        func run() throws -> (loss: Float, dh: [Float]) {
            h.zeroGrad()
            let loss = try linearCrossEntropy(h, head: head, targets: targets)
            try loss.backward()
            return (loss.data[0], Array(UnsafeBufferPointer(start: h.grad!.data, count: h.count)))
        }
        let reference = try run()
        head.attachBF16()
        defer { head.detachBF16() }
        let low = try run()
        #expect(abs(low.loss - reference.loss) <= 0.02 * abs(reference.loss), "loss \(low.loss) vs \(reference.loss)")
        let diff = zip(low.dh, reference.dh).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let norm = reference.dh.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(diff <= 0.02 * norm, "dh differs by \(diff) of \(norm)")
    }
}
