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

    @Test func steadyStateStepAllocatesNothing() throws {
        let session = try Tiny.session()
        for _ in 0..<3 { try session.trainStep([Tiny.batch()]) }
        let before = Tape.current.allocations
        for _ in 0..<3 { try session.trainStep([Tiny.batch()]) }
        #expect(Tape.current.allocations == before)
    }
}
