// ModelQueue: serialized access to one Generator from many concurrent HTTP requests, off the event loops.
import Foundation
import LM

/// Generation is CPU-bound and the model's caches are not shared between calls, so requests run
/// one at a time on a dedicated serial queue (never on NIO event-loop threads, which keep serving
/// `/v1/models`, errors and SSE writes meanwhile). A bounded count of waiting requests turns
/// overload into a 429 instead of unbounded latency.
public final class ModelQueue: @unchecked Sendable {
    public let generator: Generator
    let queue = DispatchQueue(label: "srcode.model")
    let lock = NSLock()
    var waiting = 0
    let maxQueued: Int

    public init(generator: Generator, maxQueued: Int) {
        self.generator = generator
        self.maxQueued = maxQueued
    }

    /// Counts a waiting request, or refuses it when the queue is full.
    func admit() throws {
        let ok = lock.withLock { () -> Bool in
            guard waiting < maxQueued else { return false }
            waiting += 1
            return true
        }
        guard ok else { throw APIError(429, "overloaded", "too many queued requests (\(maxQueued)); retry later") }
    }

    func release() { lock.withLock { waiting -= 1 } }

    /// Runs `body` with the generator once earlier requests are done.
    func run<T>(_ body: @escaping (Generator) throws -> T) async throws -> T {
        try admit()
        return try await withCheckedThrowingContinuation { cont in
            queue.async { [self] in
                defer { release() }
                do { cont.resume(returning: try body(generator)) } catch { cont.resume(throwing: error) }
            }
        }
    }

    /// Starts `body` and streams the text pieces it reports, then its result.
    func stream(_ body: @escaping (Generator, @escaping (String) -> Void) throws -> GenerationResult) throws
        -> AsyncThrowingStream<StreamEvent, Error> {
        try admit()
        return AsyncThrowingStream { cont in
            queue.async { [self] in
                defer { release() }
                do {
                    let r = try body(generator) { cont.yield(.text($0)) }
                    cont.yield(.done(r))
                    cont.finish()
                } catch { cont.finish(throwing: error) }
            }
        }
    }

    enum StreamEvent {
        case text(String)
        case done(GenerationResult)
    }
}
