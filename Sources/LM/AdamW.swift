// AdamW: Adam with decoupled weight decay and bias correction, updated in place; plus global-norm clipping.
import Foundation
import Tensor

/// Optimizer hyper-parameters (PyTorch `torch.optim.AdamW` defaults except weight decay).
public struct AdamWConfig: Codable, Sendable, Equatable {
    public var learningRate: Float = 3e-4
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var eps: Float = 1e-8
    public var weightDecay: Float = 0.0
    public init(learningRate: Float = 3e-4, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }
}

/// AdamW over a fixed list of named parameters. Moments are allocated once; `step` touches each
/// parameter exactly once in one fused, parallel pass (no temporaries).
public final class AdamW {
    public var config: AdamWConfig
    public let parameters: [(name: String, tensor: Tensor)]
    /// First and second moments, parallel to `parameters`.
    public let m: [Tensor], v: [Tensor]
    /// Number of updates taken (bias correction uses it).
    public var stepCount = 0
    /// Which parameters get weight decay: by default matrices only (not norms, biases).
    public var decays: [Bool]

    public init(parameters: [(name: String, tensor: Tensor)], config: AdamWConfig = .init()) {
        self.parameters = parameters
        self.config = config
        m = parameters.map { Tensor(zeros: $0.tensor.shape, name: "optimizer.m." + $0.name) }
        v = parameters.map { Tensor(zeros: $0.tensor.shape, name: "optimizer.v." + $0.name) }
        decays = parameters.map { $0.tensor.shape.count >= 2 }
    }

    /// One update with learning rate `lr` (from a schedule) for every parameter that has a gradient:
    ///   m = β1 m + (1−β1) g ; v = β2 v + (1−β2) g² ; p −= lr·wd·p ; p −= lr · m̂ / (√v̂ + ε)
    public func step(lr: Float? = nil) {
        stepCount += 1
        let c = config, lr = lr ?? config.learningRate
        let bc1 = 1 - Foundation.pow(c.beta1, Float(stepCount)), bc2 = 1 - Foundation.pow(c.beta2, Float(stepCount))
        let stepSize = lr / bc1, bc2Root = bc2.squareRoot()
        for (i, p) in parameters.enumerated() {
            guard let g = p.tensor.grad?.data else { continue }
            let (w, m1, m2, n) = (p.tensor.data, m[i].data, v[i].data, p.tensor.count)
            let decay: Float = decays[i] ? 1 - lr * c.weightDecay : 1
            parallelFor(n, grain: 1 << 15) { r in
                for j in r {
                    let gj = g[j]
                    m1[j] = c.beta1 * m1[j] + (1 - c.beta1) * gj
                    m2[j] = c.beta2 * m2[j] + (1 - c.beta2) * gj * gj
                    w[j] = w[j] * decay - stepSize * m1[j] / (m2[j].squareRoot() / bc2Root + c.eps)
                }
            }
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.tensor.zeroGrad() } }
}

/// Scales gradients so their global L2 norm is at most `maxNorm` (as `torch.nn.utils.clip_grad_norm_`).
/// Returns the norm before clipping. Sums in Float64, parameter by parameter in order (deterministic).
@discardableResult
public func clipGradNorm(_ parameters: [(name: String, tensor: Tensor)], maxNorm: Float) -> Float {
    var total = 0.0
    for p in parameters {
        guard let g = p.tensor.grad else { continue }
        let d = g.data
        for j in 0..<g.count { total += Double(d[j]) * Double(d[j]) }
    }
    let norm = Float(total.squareRoot())
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for p in parameters {
            guard let g = p.tensor.grad else { continue }
            let d = g.data
            parallelFor(g.count, grain: 1 << 15) { r in for j in r { d[j] *= factor } }
        }
    }
    return norm
}

/// Learning-rate schedules with linear warm-up (as HF `get_cosine_schedule_with_warmup` / `get_linear_schedule_with_warmup`).
public struct LRSchedule: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case constant, linear, cosine }
    public var kind: Kind
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    /// Floor as a fraction of `peak` at the end of decay.
    public var minRatio: Float

    public init(kind: Kind, peak: Float, warmupSteps: Int = 0, totalSteps: Int = 1, minRatio: Float = 0) {
        self.kind = kind
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minRatio = minRatio
    }

    /// Learning rate for 0-based `step`.
    public func callAsFunction(_ step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let span = max(1, totalSteps - warmupSteps)
        let progress = min(1, Float(step - warmupSteps) / Float(span))
        let factor: Float = switch kind {
        case .constant: 1
        case .linear: 1 - progress
        case .cosine: 0.5 * (1 + Foundation.cos(Float.pi * progress))
        }
        return peak * (minRatio + (1 - minRatio) * factor)
    }
}
