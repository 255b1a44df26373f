// BF16Weights: a bf16 copy of a frozen weight, used as the GEMM operand in place of its Float32 data.
import CBF16
import Foundation

/// Which precision the GEMMs against frozen weights run in.
///
/// Why only frozen weights: in a LoRA run the base weights never change, so one bf16 copy made at
/// load time serves every forward and backward GEMM (half the bytes to stream, and AVX512-BF16 dot
/// products at twice the Float32 rate). Everything that trains or accumulates stays Float32: LoRA
/// weights, their gradients, AdamW moments, activations between ops, losses, and every GEMM's
/// accumulator (bf16 inputs, Float32 sums, as PyTorch's bf16 autocast on CPU).
public enum ComputePrecision: String, Codable, Sendable, CaseIterable {
    /// bf16 when this CPU and oneDNN allow it, else Float32. The default.
    case auto
    /// Float32 everywhere: the reference path (OpenBLAS sgemm).
    case f32
    /// bf16 GEMMs against frozen weights; falls back to Float32, with `ComputePrecision.bf16Unavailable`
    /// saying why, on a CPU without AVX512-BF16 or without oneDNN, so a recipe runs on any machine.
    case bf16

    /// Nil when bf16 GEMMs run here; else the reason (no AVX512-BF16, no oneDNN, `SRCODE_BF16=0`).
    public static var bf16Unavailable: String? {
        bf16_gemm_available() != 0 ? nil : String(cString: bf16_unavailable_reason())
    }

    /// What actually runs on this machine: `.bf16` or `.f32`.
    public var resolved: ComputePrecision {
        self == .f32 || Self.bf16Unavailable != nil ? .f32 : .bf16
    }

    /// One log line: what runs, and why not bf16 when it was asked for and did not.
    public func summary(runs: ComputePrecision) -> String {
        "GEMMs against frozen weights in \(runs.rawValue)"
            + (self != .f32 && runs == .f32 ? " (\(Self.bf16Unavailable ?? "bf16 unavailable"))" : "")
    }
}

/// A frozen (rows, columns) weight rounded to bf16 (round to nearest even). Immutable: a weight whose
/// Float32 data changes needs a new copy (`Tensor.attachBF16()`).
public final class BF16Weights: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    let data: UnsafeMutablePointer<UInt16>

    init(_ t: Tensor) {
        precondition(t.shape.count == 2, "bf16 copies are made of 2-D weights, \(t.name) is \(t.shape)")
        rows = t.shape[0]
        columns = t.shape[1]
        data = .allocate(capacity: t.count)
        bf16_from_f32(t.data, data, Int64(t.count))
    }

    deinit { data.deallocate() }

    /// Runs `body` on a Float32 copy (exact: every bf16 value is a Float32), freed afterwards.
    func withFloat32<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        let f = UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
        defer { f.deallocate() }
        bf16_to_f32(data, f, Int64(rows * columns))
        return try body(f)
    }
}

/// Serializes remaking released Float32 data (``Tensor/data`` may be read from several threads).
private let restoreLock = NSLock()
/// Names of weights whose released Float32 data had to be remade, each reported once on stderr.
nonisolated(unsafe) private var restoredNames: Set<String> = []

extension Tensor {
    /// Makes (or remakes, after the data changed) this weight's bf16 copy. GEMMs use it only while the
    /// tensor is frozen (`requiresGrad == false`); a trainable weight always multiplies in Float32.
    public func attachBF16() { bf16 = BF16Weights(self) }

    /// Drops the bf16 copy: GEMMs use the Float32 data again (remade from the copy first if it was released).
    public func detachBF16() {
        if float32Released { restoreFloat32() }
        bf16 = nil
    }

    /// Frees the Float32 data of a frozen weight that has a bf16 copy: the copy is then the weight.
    ///
    /// Why: the GEMMs of a frozen weight read only its bf16 copy, so keeping the Float32 data too costs
    /// twice the copy's bytes for nothing (1.4 GB for Qwen2.5-Coder-0.5B's projections). Anything that
    /// later reads ``data`` (a fold, a load, a weight unfrozen for full fine-tuning) gets Float32 data
    /// remade from the copy, rounded to bf16, and one line on stderr says so. A no-op without a copy,
    /// on a trainable tensor, or on a view.
    public func releaseFloat32() {
        guard !float32Released, bf16 != nil, !requiresGrad, isLeaf, offset == 0, storage.count == count else { return }
        storage.returnsToSystem = true
        storage = Storage(count: 0)
        float32Released = true
    }

    /// Makes Float32 data again from the bf16 copy (``data`` calls this on a released weight).
    func restoreFloat32() {
        restoreLock.lock()
        defer { restoreLock.unlock() }
        guard float32Released, let low = bf16 else { return }
        let s = Storage(count: count)
        bf16_to_f32(low.data, s.pointer, Int64(count))
        storage = s
        float32Released = false
        if restoredNames.insert(name).inserted {
            FileHandle.standardError.write(Data("note: \(name.isEmpty ? "a frozen weight" : name): Float32 data remade from its bf16 copy (values rounded to bf16)\n".utf8))
        }
    }
}

/// A weight W (O, I) as the right-hand GEMM operand: its bf16 copy when it is frozen and has one, else
/// its Float32 data. Each product falls back to sgemm if oneDNN declines a shape.
struct WeightOperand {
    /// Nil when the weight's Float32 data is released (then `low` is the weight).
    let f32: UnsafePointer<Float>?
    let low: BF16Weights?
    let O: Int, I: Int

    init(_ w: Tensor) {
        low = w.requiresGrad ? nil : w.bf16
        // Reading `data` of a released weight would remake it; the bf16 copy serves instead.
        f32 = low != nil && w.float32Released ? nil : UnsafePointer(w.data)
        (O, I) = (w.shape[0], w.shape[1])
    }

    /// The Float32 operand for sgemm: the weight's data, or a temporary copy of a released weight's bf16.
    private func withFloat32(_ body: (UnsafePointer<Float>) -> Void) {
        if let f32 { body(f32) } else { low!.withFloat32(body) }
    }

    /// C (M, O) = [C +] x (M, I) · Wᵀ, x with leading dimension I, C with O.
    func timesTransposed(_ x: UnsafePointer<Float>, rows M: Int, into C: UnsafeMutablePointer<Float>, accumulate: Bool) {
        if let low, M > 0, Self.bf16GEMM(transB: true, M: M, N: O, K: I, x, low, C, accumulate) { return }
        withFloat32 { sgemm(false, true, M, O, I, 1, x, I, $0, I, accumulate ? 1 : 0, C, O) }
    }

    /// C (M, I) = [C +] g (M, O) · W, g with leading dimension O, C with I.
    func times(_ g: UnsafePointer<Float>, rows M: Int, into C: UnsafeMutablePointer<Float>, accumulate: Bool) {
        if let low, M > 0, Self.bf16GEMM(transB: false, M: M, N: I, K: O, g, low, C, accumulate) { return }
        withFloat32 { sgemm(false, false, M, I, O, 1, g, O, $0, I, accumulate ? 1 : 0, C, I) }
    }

    /// Rounds the (M, K) left operand to bf16 and multiplies; false when oneDNN declined (nothing written).
    private static func bf16GEMM(transB: Bool, M: Int, N: Int, K: Int, _ a: UnsafePointer<Float>, _ w: BF16Weights,
                                 _ C: UnsafeMutablePointer<Float>, _ accumulate: Bool) -> Bool {
        bf16_gemm_f32a(transB ? 1 : 0, Int64(M), Int64(N), Int64(K), a, w.data, C, accumulate ? 1 : 0) == 0
    }
}
