// Precision of the GEMMs against the frozen weights: bf16 copies for a LoRA run's base, or Float32.
import Tensor

extension LlamaModel {
    /// Chooses the precision of every GEMM against a frozen weight (the base projections and the LM head
    /// of a LoRA run) and returns what runs here: `.bf16` only where the CPU has AVX512-BF16 and oneDNN
    /// is installed (``ComputePrecision/bf16Unavailable`` says why not), else `.f32`.
    ///
    /// With bf16 each frozen weight gets a bf16 copy (half its Float32 size, kept beside it: the Float32
    /// data still serves the embedding lookup, checkpoints and the reference path); trainable tensors,
    /// activations and accumulators stay Float32. Weights that change later (`load`, `fold`, `addLoRA`
    /// freezing them) get fresh copies.
    @discardableResult
    public func setPrecision(_ requested: ComputePrecision) -> ComputePrecision {
        precision = requested.resolved
        refreshPrecision()
        return precision
    }

    /// Remakes the bf16 copies after the weights or their frozen state changed (a no-op at `.f32`).
    func refreshPrecision() {
        for w in gemmWeights {
            if precision == .bf16, !w.requiresGrad { w.attachBF16() } else { w.detachBF16() }
        }
    }

    /// Every weight used as a GEMM's right-hand operand: the projections' and the LM head.
    private var gemmWeights: [Tensor] {
        layers.flatMap { $0.projections.map(\.1.weight) } + [head]
    }
}
