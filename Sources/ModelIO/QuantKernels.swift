// Swift face of the CQuantKernels C target: which types it covers and which instruction set runs.
import CQuantKernels

/// The instruction set a quantized matmul runs on.
///
/// The C kernels come in a portable scalar version and an AVX2+FMA+F16C version compiled per
/// function (no -march for the build); ``auto`` picks AVX2 once at run time when the CPU has it,
/// like OpenBLAS picks its kernels. `SRCODE_QUANT_SCALAR=1` in the environment forces ``scalar``.
public enum QuantKernelISA: Int32, Sendable, CustomStringConvertible {
    case auto = 0, scalar = 1, avx2 = 2

    /// What ``auto`` resolves to on this machine.
    public static var resolved: QuantKernelISA { QuantKernelISA(rawValue: qk_auto_isa()) ?? .scalar }

    /// Whether this set can run on this CPU (``avx2`` needs AVX2, FMA and F16C).
    public var isAvailable: Bool { self == .auto || qk_isa_available(rawValue) != 0 }

    public var description: String {
        switch self {
        case .auto: "auto(\(QuantKernelISA.resolved))"
        case .scalar: "scalar"
        case .avx2: "avx2"
        }
    }
}

extension GGMLType {
    /// Whether matmuls over this type run through the C kernels with Q8-quantized activations
    /// (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K). F32/F16/BF16 stay in Swift, in Float32.
    public var hasQuantKernel: Bool { qk_supports(Int32(rawValue)) != 0 }
}

extension QuantizedMatrix {
    /// Writes `rows` activation rows (`columns` floats each) as the quantized kernels see them:
    /// rounded to this type's 8-bit activation grid. Returns `false`, writing nothing, for types the
    /// kernels do not cover (their activations stay Float32).
    ///
    /// A Float32 GEMM of the dequantized weights over these values computes what the kernels (and
    /// llama.cpp) compute, so a prefill through sgemm and a decode step through the kernels agree.
    public func roundActivations(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) -> Bool {
        guard type.hasQuantKernel else { return false }
        for r in 0..<rows { qk_round_activations(Int32(type.rawValue), x + r * columns, Int64(columns), out + r * columns) }
        return true
    }
}
