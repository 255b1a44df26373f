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
    ///
    /// `body` gets a `shouldStop` to poll (``Generator/generate(prompts:params:onText:shouldStop:)``):
    /// it turns true when the calling task is cancelled (a server shutting down, or a framework
    /// cancelling the request's task), so an abandoned request frees the model instead of generating
    /// to `max_tokens` while later requests wait. A request cancelled while queued never starts.
    func run<T>(_ body: @escaping (Generator, _ shouldStop: @escaping () -> Bool) throws -> T) async throws -> T {
        try admit()
        let stop = StopFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { cont in
                queue.async { [self] in
                    defer { release() }
                    guard !stop.isSet else { cont.resume(throwing: CancellationError()); return }
                    do { cont.resume(returning: try body(generator, { stop.isSet })) } catch { cont.resume(throwing: error) }
                }
            }
        } onCancel: { stop.set() }
    }

    /// Starts `body` and streams the text pieces it reports, then its result.
    ///
    /// `shouldStop` turns true, as in ``run(_:)``, once the consumer calls `cancel` (the SSE writer
    /// does when it stops, e.g. because its client went away and a write threw) or the stream is
    /// dropped unfinished.
    func stream(_ body: @escaping (Generator, @escaping (String) -> Void, _ shouldStop: @escaping () -> Bool) throws -> GenerationResult) throws
        -> (events: AsyncThrowingStream<StreamEvent, Error>, cancel: @Sendable () -> Void) {
        try admit()
        let stop = StopFlag()
        let events = AsyncThrowingStream<StreamEvent, Error> { cont in
            cont.onTermination = { _ in stop.set() }
            queue.async { [self] in
                defer { release() }
                guard !stop.isSet else { cont.finish(throwing: CancellationError()); return }
                do {
                    let r = try body(generator, { cont.yield(.text($0)) }, { stop.isSet })
                    cont.yield(.done(r))
                    cont.finish()
                } catch { cont.finish(throwing: error) }
            }
        }
        return (events, { stop.set() })
    }

    enum StreamEvent {
        case text(String)
        case done(GenerationResult)
    }
}

/// Set once when a request's caller goes away; read by the generation loop on the model queue.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
