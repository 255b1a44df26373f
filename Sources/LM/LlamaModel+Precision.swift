// Precision of the GEMMs against the frozen weights: bf16 copies for a LoRA run's base, or Float32.
import Tensor

extension LlamaModel {
    /// Chooses the precision of every GEMM against a frozen weight (the base projections and the LM head
    /// of a LoRA run) and returns what runs here: `.bf16` only where the CPU has AVX512-BF16 and oneDNN
    /// is installed (``ComputePrecision/bf16Unavailable`` says why not), else `.f32`.
    ///
    /// With bf16 each frozen weight gets a bf16 copy. A frozen projection then keeps only the copy
    /// (``Tensor/releaseFloat32()``: its GEMMs read nothing else); the LM head keeps its Float32 data
    /// beside the copy, because it is also the embedding table that every forward pass looks rows up in.
    /// Trainable tensors, activations and accumulators stay Float32. Weights that change later (`load`,
    /// `fold`, `addLoRA` freezing them) get fresh copies; a released weight that something writes (a
    /// fold, a load) first gets Float32 data back from its copy.
    @discardableResult
    public func setPrecision(_ requested: ComputePrecision) -> ComputePrecision {
        precision = requested.resolved
        refreshPrecision()
        return precision
    }

    /// Remakes the bf16 copies after the weights or their frozen state changed (a no-op at `.f32`).
    func refreshPrecision() {
        let projections = layers.flatMap { $0.projections.map(\.1.weight) }
        var released = false
        for w in projections + [head] {
            guard precision == .bf16, !w.requiresGrad else { w.detachBF16(); continue }
            // A weight already held only as bf16 keeps its copy (remaking it would round the same values again).
            if !w.float32Released { w.attachBF16() }
            if w !== head, !w.float32Released { w.releaseFloat32(); released = true }
        }
        if released { BufferPool.returnFreeHeapToSystem() }
    }
}
