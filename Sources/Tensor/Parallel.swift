// Parallel: the engine's thread budget, shared between our row loops and OpenBLAS so the cores are never oversubscribed.
import COpenBLAS
import Dispatch
import Foundation

/// Thread settings for the engine.
///
/// Our row loops and OpenBLAS mostly take turns (a kernel either calls `cblas_sgemm` or loops over rows
/// itself), so both may use every core: the budget is `threads` for each. No sgemm is called from inside
/// a row loop: OpenBLAS 0.3's thread server takes one caller at a time and lets the others spin.
///
/// The OpenBLAS count is set here and nowhere else, once, before any work: it is process-wide, and
/// sgemm's bits depend on it, so changing it while other threads multiply breaks reproducibility
/// (the note after `attentionBackward` has the measurement).
public enum Engine {
    nonisolated(unsafe) private static var _threads = 0

    /// Worker count for row loops and BLAS. Defaults to `SRCODE_THREADS` or the number of active cores.
    public static var threads: Int {
        get {
            if _threads == 0 { configure(threads: nil) }
            return _threads
        }
        set { configure(threads: newValue) }
    }

    /// Sets the thread budget for both our loops and OpenBLAS.
    public static func configure(threads requested: Int?) {
        let env = ProcessInfo.processInfo.environment["SRCODE_THREADS"].flatMap { Int($0) }
        let n = max(1, requested ?? env ?? ProcessInfo.processInfo.activeProcessorCount)
        _threads = n
        openblas_set_num_threads(Int32(n))
    }
}

/// Runs `body` over `0..<n` split into at most `Engine.threads` contiguous chunks.
///
/// Chunk boundaries depend only on `n` and the thread count, never on timing, so reductions done
/// per chunk and combined in chunk order are bit-reproducible run to run.
/// - Parameters:
///   - n: number of independent items (rows, heads, …).
///   - grain: minimum items per chunk; small loops stay on the calling thread.
@inline(__always)
public func parallelFor(_ n: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = min(Engine.threads, max(1, n / max(grain, 1)))
    if workers <= 1 || n <= 1 {
        body(0..<n)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        body((w * n / workers)..<((w + 1) * n / workers))
    }
}

/// Number of chunks `parallelFor(n, grain:)` will use: for per-chunk partial sums.
public func parallelChunks(_ n: Int, grain: Int = 1) -> Int {
    min(Engine.threads, max(1, n / max(grain, 1)))
}

/// Like `parallelFor`, also passing the chunk index (0..<parallelChunks(n, grain:)) for per-chunk partials.
@inline(__always)
public func parallelForChunks(_ n: Int, grain: Int = 1, _ body: (Int, Range<Int>) -> Void) {
    let workers = parallelChunks(n, grain: grain)
    if workers <= 1 || n <= 1 {
        body(0, 0..<n)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        body(w, (w * n / workers)..<((w + 1) * n / workers))
    }
}
