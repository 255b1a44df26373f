// Bounded concurrency plus a minimum spacing between request starts (a request-rate limit).
import Foundation

/// An async semaphore with FIFO waiters and an optional start-rate limit.
///
/// `acquire` suspends until fewer than `limit` holders are active and at least `1/rate` seconds
/// have passed since the previous start; `release` wakes the next waiter.
public actor RateLimiter {
    private let limit: Int
    private let interval: Double
    private var active = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var nextStart: ContinuousClock.Instant = .now

    public init(concurrency: Int, requestsPerSecond: Double) {
        limit = max(1, concurrency)
        interval = requestsPerSecond > 0 ? 1 / requestsPerSecond : 0
    }

    public func acquire() async {
        if active >= limit {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            active += 1
        }
        if interval > 0 {
            let now = ContinuousClock.now
            let start = max(now, nextStart)
            nextStart = start + .milliseconds(Int(interval * 1000))
            if start > now { try? await Task.sleep(until: start, clock: .continuous) }
        }
    }

    /// Hands the slot straight to the next waiter (so `active` stays counted) or frees it.
    public func release() {
        if waiters.isEmpty { active -= 1 } else { waiters.removeFirst().resume() }
    }

    /// Runs `body` holding one slot.
    nonisolated public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        do { let r = try await body(); await release(); return r } catch { await release(); throw error }
    }
}
