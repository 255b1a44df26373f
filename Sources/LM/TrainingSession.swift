// TrainingSession: the supervised step (forward, backward over micro-batches, clip, AdamW) with step and RNG bookkeeping.
import Foundation
import Tensor

/// One micro-batch of token rows (B, T) with shifted targets and optional per-token weights.
public struct TokenBatch: Sendable {
    public var tokens: [Int32]
    public var targets: [Int32]
    public var weights: [Float]?
    public var batch: Int

    public init(tokens: [Int32], targets: [Int32], weights: [Float]? = nil, batch: Int) {
        self.tokens = tokens
        self.targets = targets
        self.weights = weights
        self.batch = batch
    }
}

/// Drives training of one model: reads like the pseudocode it implements —
/// zero grad → (forward → backward) per micro-batch → clip → schedule → AdamW.
public final class TrainingSession {
    public let model: LlamaModel
    public let optimizer: AdamW
    public var schedule: LRSchedule
    /// Global gradient-norm bound (nil: no clipping).
    public var maxGradNorm: Float?
    /// The run's RNG (data order, sampling); checkpointed with the weights.
    public var rng: SeededRNG
    /// Completed optimizer steps.
    public var step = 0
    /// Debug: stop on the first NaN/Inf in any activation or gradient, naming step and tensor.
    public var checkFinite = false

    public init(model: LlamaModel, optimizer: AdamWConfig, schedule: LRSchedule, maxGradNorm: Float? = 1, seed: UInt64) {
        self.model = model
        self.optimizer = AdamW(parameters: model.trainableParameters(), config: optimizer)
        self.schedule = schedule
        self.maxGradNorm = maxGradNorm
        rng = SeededRNG(seed: seed)
    }

    /// One optimizer step over `microBatches`; the gradient is the mean of the micro-batch gradients,
    /// so k micro-batches of equal size equal one batch k times larger. Returns the mean loss.
    @discardableResult
    public func trainStep(_ microBatches: [TokenBatch]) throws -> Float {
        let tape = Tape.current
        tape.checkFinite = checkFinite
        defer { tape.checkFinite = false }
        optimizer.zeroGrad()
        var total: Float = 0
        do {
            for mb in microBatches {
                let loss = try model.loss(tokens: mb.tokens, targets: mb.targets, batch: mb.batch, weights: mb.weights)
                total += loss.item()
                try loss.backward(seed: 1 / Float(microBatches.count))
            }
        } catch let error as TensorError {
            tape.reset()
            throw LMError.nonFinite(step: step, detail: error.description)
        }
        if let maxGradNorm {
            let norm = clipGradNorm(optimizer.parameters, maxNorm: maxGradNorm)
            if checkFinite, !norm.isFinite {
                let bad = optimizer.parameters.first { $0.tensor.grad.map { !isFinite($0) } ?? false }?.name ?? "?"
                throw LMError.nonFinite(step: step, detail: "gradient norm is \(norm) (first offender: \(bad).grad)")
            }
        }
        optimizer.step(lr: schedule(step))
        step += 1
        return total / Float(max(microBatches.count, 1))
    }

    /// Saves weights, moments, step and RNG.
    public func save(to url: URL) throws {
        try Checkpoint.save(model: model, optimizer: optimizer, step: step, rng: rng, to: url)
    }

    /// Restores a checkpoint written by `save`; the next `trainStep` continues bit-exact.
    public func resume(from url: URL) throws {
        let (step, rng) = try Checkpoint.restore(model: model, optimizer: optimizer, from: url)
        self.step = step
        self.rng = rng
    }
}
