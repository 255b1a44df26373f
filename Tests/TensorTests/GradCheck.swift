// Finite-difference gradient checking against Float64 reference implementations of each op.
import Foundation
import Testing
@testable import Tensor

/// Deterministic test data.
func randomValues(_ n: Int, seed: UInt64, range: ClosedRange<Float> = -1...1) -> [Float] {
    var rng = SeededRNG(seed: seed)
    return (0..<n).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * rng.uniform() }
}

func param(_ shape: [Int], seed: UInt64, range: ClosedRange<Float> = -1...1, name: String = "p") -> Tensor {
    try! Tensor(shape: shape, values: randomValues(shape.reduce(1, *), seed: seed, range: range), requiresGrad: true, name: name)
}

/// Checks an op three ways against `reference` (a Float64 re-implementation of its forward):
/// 1. the Float32 forward matches the reference output;
/// 2. the tape's gradient of L = Σ r ⊙ out (r fixed random) matches central differences of the
///    Float64 reference, for every input (up to `samples` elements each);
/// 3. gradients accumulate: a second backward doubles them.
func checkGradients(
    _ label: String, inputs: [Tensor], samples: Int = 40, tolerance: Double = 2e-3,
    forward: ([Tensor]) throws -> Tensor, reference: ([[Double]]) -> [Double]
) throws {
    let out = try forward(inputs)
    let r = randomValues(out.count, seed: 99)
    let x64 = inputs.map { $0.values.map(Double.init) }
    let ref = reference(x64)
    #expect(ref.count == out.count, "\(label): reference gives \(ref.count) outputs, op gives \(out.count)")
    let outScale = max(1, ref.map(abs).max() ?? 1)
    for (a, b) in zip(out.values, ref) {
        #expect(abs(Double(a) - b) <= 1e-4 * outScale, "\(label) forward: \(a) vs reference \(b)")
    }
    let loss = try sum(mul(out, Tensor(shape: out.shape, values: r)))
    try loss.backward()
    func objective(_ x: [[Double]]) -> Double { zip(reference(x), r).reduce(0) { $0 + $1.0 * Double($1.1) } }
    for (i, input) in inputs.enumerated() where input.requiresGrad {
        let analytic = input.grad?.values ?? [Float](repeating: 0, count: input.count)
        var rng = SeededRNG(seed: UInt64(i + 7))
        let picks = input.count <= samples ? Array(0..<input.count) : (0..<samples).map { _ in Int(rng.next() % UInt64(input.count)) }
        var numeric = [Double](), got = [Double]()
        for j in picks {
            let eps = 1e-5 * max(1, abs(x64[i][j]))
            var plus = x64, minus = x64
            plus[i][j] += eps
            minus[i][j] -= eps
            numeric.append((objective(plus) - objective(minus)) / (2 * eps))
            got.append(Double(analytic[j]))
        }
        let scale = max(1e-2, numeric.map(abs).max() ?? 0)
        for (k, j) in picks.enumerated() {
            #expect(abs(got[k] - numeric[k]) <= tolerance * scale,
                    "\(label) d/d input\(i)[\(j)]: tape \(got[k]) vs finite difference \(numeric[k])")
        }
    }
    // Accumulation: a second identical backward adds the same gradient again.
    let first = inputs.map { $0.grad?.values }
    let again = try sum(mul(forward(inputs), Tensor(shape: out.shape, values: r)))
    try again.backward()
    for (t, g) in zip(inputs, first) where t.requiresGrad {
        guard let g, let now = t.grad?.values else { continue }
        for (a, b) in zip(now, g) { #expect(abs(a - 2 * b) <= 1e-4 * max(1, abs(b)), "\(label) accumulation") }
    }
    for t in inputs { t.grad = nil }
}
