// Training: determinism, bit-exact checkpoint resume, NaN/Inf debug stop, schedules.
import Foundation
import Testing
@testable import LM
@testable import Tensor

@Suite struct TrainingTests {
    func curve(_ session: TrainingSession, steps: Int) throws -> [Float] {
        try (0..<steps).map { _ in try session.trainStep([Tiny.batch(B: 1, seed: 7), Tiny.batch(B: 1, seed: 8)]) }
    }

    @Test func sameSeedGivesBitIdenticalLossCurve() throws {
        let a = try curve(Tiny.session(), steps: 6), b = try curve(Tiny.session(), steps: 6)
        #expect(a == b)
        #expect(a.last! < a.first!)
    }

    @Test func checkpointResumesBitExact() throws {
        let straight = try Tiny.session()
        let full = try curve(straight, steps: 6)

        let first = try Tiny.session()
        _ = try curve(first, steps: 3)
        _ = first.rng.next()  // the run's RNG state must round-trip too
        let url = Tiny.tempURL("resume.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try first.save(to: url)

        var other = SeededRNG(seed: 999)
        let fresh = TrainingSession(model: try LlamaModel(config: Tiny.config(), rng: &other),
                                    optimizer: AdamWConfig(learningRate: 1e-2, weightDecay: 0.1),
                                    schedule: LRSchedule(kind: .cosine, peak: 1e-2, warmupSteps: 2, totalSteps: 20), seed: 42)
        try fresh.resume(from: url)
        #expect(fresh.step == 3 && fresh.rng == first.rng && fresh.optimizer.stepCount == 3)
        let rest = try curve(fresh, steps: 3)
        #expect(rest == Array(full[3...]))
        for (p, q) in zip(straight.model.parameters(), fresh.model.parameters()) { #expect(p.tensor.values == q.tensor.values) }
    }

    @Test func nanStopsWithStepAndTensorName() throws {
        let session = try Tiny.session()
        try session.trainStep([Tiny.batch()])
        session.checkFinite = true
        session.model.layers[1].up.weight.data[3] = .nan
        do {
            try session.trainStep([Tiny.batch()])
            Issue.record("expected a NaN error")
        } catch let LMError.nonFinite(step, detail) {
            #expect(step == 1)
            #expect(detail.contains("model.layers.1.mlp.up_proj.weight"), "\(detail)")
        }
    }

    @Test func malformedCheckpointIsRejected() throws {
        let url = Tiny.tempURL("bad.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([200, 0, 0, 0, 0, 0, 0, 0, 0x7b]).write(to: url)
        let session = try Tiny.session()
        #expect(throws: LMError.self) { try session.resume(from: url) }
    }

    @Test func schedules() {
        let cos = LRSchedule(kind: .cosine, peak: 1, warmupSteps: 10, totalSteps: 110)
        #expect(cos(0) == 0.1 && cos(9) == 1 && abs(cos(60) - 0.5) < 1e-6 && abs(cos(110)) < 1e-6)
        let lin = LRSchedule(kind: .linear, peak: 2, warmupSteps: 0, totalSteps: 100, minRatio: 0.1)
        #expect(lin(0) == 2 && abs(lin(50) - 1.1) < 1e-6 && abs(lin(100) - 0.2) < 1e-6)
    }

    @Test func clippingBoundsGlobalNorm() throws {
        let t = try Tensor(shape: [2], values: [0, 0], requiresGrad: true, name: "t")
        t.grad = try Tensor(shape: [2], values: [3, 4])
        let before = clipGradNorm([("t", t)], maxNorm: 1)
        #expect(before == 5 && abs(t.grad!.values[0] - 0.6) < 1e-5 && abs(t.grad!.values[1] - 0.8) < 1e-5)
    }

    /// The pool is process-wide, and suites run in parallel: another test can take a buffer of the same
    /// size class between two of these steps, and the next step then allocates one (seen once: 691 against
    /// 689). So the claim checked is that some window of 3 warm steps allocates nothing; a step that
    /// allocates by itself fails every window.
    @Test func steadyStateStepAllocatesNothing() throws {
        let session = try Tiny.session()
        for _ in 0..<3 { try session.trainStep([Tiny.batch()]) }
        var fresh: [Int] = []
        for _ in 0..<5 {
            let before = Tape.current.allocations
            for _ in 0..<3 { try session.trainStep([Tiny.batch()]) }
            fresh.append(Tape.current.allocations - before)
            if fresh.last == 0 { break }
        }
        #expect(fresh.last == 0, "fresh allocations per window of 3 steps: \(fresh)")
    }
}

@Suite struct AdamWTests {
    /// Two AdamW steps against the PyTorch formula evaluated in Float64.
    @Test func matchesReferenceFormula() throws {
        let p = try Tensor(shape: [2, 2], values: [0.5, -1, 2, 0.25], requiresGrad: true, name: "w")
        let bias = try Tensor(shape: [2], values: [0.1, -0.2], requiresGrad: true, name: "b")
        let cfg = AdamWConfig(learningRate: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.5)
        let opt = AdamW(parameters: [("w", p), ("b", bias)], config: cfg)
        let grads: [[Double]] = [[0.3, -0.1, 0.05, 1.0], [0.2, -0.4, 0.6, -0.5]]
        var w = p.values.map(Double.init), m = [Double](repeating: 0, count: 4), v = m
        var b = bias.values.map(Double.init), mb = [0.0, 0], vb = [0.0, 0]
        for (step, g) in grads.enumerated() {
            p.grad = try Tensor(shape: [2, 2], values: g.map(Float.init))
            bias.grad = try Tensor(shape: [2], values: g.prefix(2).map(Float.init))
            opt.step()
            let t = Double(step + 1), (b1, b2, lr, wd) = (0.9, 0.99, 0.1, 0.5)
            for i in 0..<4 {
                m[i] = b1 * m[i] + (1 - b1) * g[i]; v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                w[i] = w[i] * (1 - lr * wd) - lr * (m[i] / (1 - pow(b1, t))) / ((v[i] / (1 - pow(b2, t))).squareRoot() + 1e-8)
            }
            for i in 0..<2 {  // biases are not decayed
                mb[i] = b1 * mb[i] + (1 - b1) * g[i]; vb[i] = b2 * vb[i] + (1 - b2) * g[i] * g[i]
                b[i] -= lr * (mb[i] / (1 - pow(b1, t))) / ((vb[i] / (1 - pow(b2, t))).squareRoot() + 1e-8)
            }
        }
        for (a, r) in zip(p.values, w) { #expect(abs(Double(a) - r) < 1e-5, "\(a) vs \(r)") }
        for (a, r) in zip(bias.values, b) { #expect(abs(Double(a) - r) < 1e-5, "\(a) vs \(r)") }
    }
}
