// OpenBLAS's thread count is process-wide and sgemm's bits depend on it: no engine op may change it
// while other threads multiply (the cause of the flaky SFT resume test, issue 17).
import COpenBLAS
import Foundation
import Testing
@testable import Tensor

/// Runs attention forward and backward on a background thread until `stop()`.
private final class AttentionLoad: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private let done = DispatchSemaphore(value: 0)
    private(set) var iterations = 0

    init() {
        Thread.detachNewThread { [self] in
            // (B=2, T=48, H=4, G=2, D=16): many small per-head products, as in the tiny training models.
            let q = param([2 * 48, 4 * 16], seed: 1), k = param([2 * 48, 2 * 16], seed: 2), v = param([2 * 48, 2 * 16], seed: 3)
            while isRunning {
                let out = try! attention(q, k, v, batch: 2, heads: 4, kvHeads: 2, headDim: 16)
                try! sum(out).backward()
                lock.withLock { iterations += 1 }
            }
            done.signal()
        }
    }

    var isRunning: Bool { lock.withLock { running } }

    func stop() {
        lock.withLock { running = false }
        done.wait()
    }
}

@Suite(.serialized) struct BLASThreadTests {
    @Test func attentionLeavesOpenBLASThreadCountAlone() {
        let before = openblas_get_num_threads()
        let load = AttentionLoad()
        var seen = Set<Int32>()
        let deadline = Date().addingTimeInterval(1.0)
        while Date() < deadline || load.iterations < 20 { seen.insert(openblas_get_num_threads()) }
        load.stop()
        #expect(seen == [before], "OpenBLAS thread count moved to \(seen.sorted()) while attention ran (was \(before))")
        #expect(openblas_get_num_threads() == before)
    }

    /// The mechanism itself, reproduced: a product large enough for OpenBLAS to thread, recomputed while
    /// attention runs beside it, must keep its bits. With a per-call thread change in attention this
    /// failed within a few repetitions on a 2-core machine.
    @Test func sgemmBitsHoldWhileAttentionRuns() throws {
        let a = param([128, 64], seed: 11), b = param([64, 576], seed: 12)
        let reference = try matmul(a, b).values
        if openblas_get_num_threads() < 2 {
            print("BLASThreadTests: OpenBLAS runs 1 thread here; the sgemm-bits check cannot tell thread counts apart")
        }
        let load = AttentionLoad()
        var mismatches = 0, runs = 0
        let deadline = Date().addingTimeInterval(1.5)
        while Date() < deadline || runs < 50 {
            if try matmul(a, b).values != reference { mismatches += 1 }
            runs += 1
        }
        load.stop()
        #expect(mismatches == 0, "\(mismatches) of \(runs) products differed in their bits while attention ran")
        #expect(load.iterations > 0)
    }
}
