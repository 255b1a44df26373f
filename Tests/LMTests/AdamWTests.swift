// AdamW against the PyTorch update rule evaluated in Float64.
import Foundation
import Testing
@testable import LM
import Tensor

@Suite struct AdamWTests {
    /// Two steps with weight decay on a matrix and none on a bias (the default `decays` policy).
    @Test func matchesReferenceFormula() throws {
        let p = try Tensor(shape: [2, 2], values: [0.5, -1, 2, 0.25], requiresGrad: true, name: "w")
        let bias = try Tensor(shape: [2], values: [0.1, -0.2], requiresGrad: true, name: "b")
        let cfg = AdamWConfig(learningRate: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.5)
        let opt = AdamW(parameters: [("w", p), ("b", bias)], config: cfg)
        let grads: [[Double]] = [[0.3, -0.1, 0.05, 1.0], [0.2, -0.4, 0.6, -0.5]]
        var w = p.values.map(Double.init), m = [Double](repeating: 0, count: 4), v = m
        var b = bias.values.map(Double.init), mb = [0.0, 0], vb = [0.0, 0]
        let (b1, b2, lr, wd) = (0.9, 0.99, 0.1, 0.5)
        for (step, g) in grads.enumerated() {
            p.grad = try Tensor(shape: [2, 2], values: g.map(Float.init))
            bias.grad = try Tensor(shape: [2], values: g.prefix(2).map(Float.init))
            opt.step()
            let t = Double(step + 1)
            for i in 0..<4 {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                w[i] = w[i] * (1 - lr * wd) - lr * (m[i] / (1 - pow(b1, t))) / ((v[i] / (1 - pow(b2, t))).squareRoot() + 1e-8)
            }
            for i in 0..<2 {
                mb[i] = b1 * mb[i] + (1 - b1) * g[i]
                vb[i] = b2 * vb[i] + (1 - b2) * g[i] * g[i]
                b[i] -= lr * (mb[i] / (1 - pow(b1, t))) / ((vb[i] / (1 - pow(b2, t))).squareRoot() + 1e-8)
            }
        }
        for (a, r) in zip(p.values, w) { #expect(abs(Double(a) - r) < 1e-5, "\(a) vs \(r)") }
        for (a, r) in zip(bias.values, b) { #expect(abs(Double(a) - r) < 1e-5, "\(a) vs \(r)") }
    }
}
