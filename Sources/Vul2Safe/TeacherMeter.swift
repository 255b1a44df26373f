// Counts what the teacher cost: requests, retries, cache hits, tokens, and wall time spent waiting.
import Foundation

/// Shared by every teacher call of a run. "Busy" time is the union of intervals with at least one
/// request in flight, so pipeline overhead = wall − busy is meaningful at any concurrency.
public actor TeacherMeter {
    public struct Snapshot: Codable, Sendable, Equatable {
        public var requests = 0
        public var cacheHits = 0
        public var retries = 0
        public var failures = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var busySeconds = 0.0
        enum CodingKeys: String, CodingKey {
            case requests, retries, failures
            case cacheHits = "cache_hits"
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case busySeconds = "busy_seconds"
        }
        public var totalTokens: Int { promptTokens + completionTokens }
    }

    private var s = Snapshot()
    private var inFlight = 0
    private var busySince: ContinuousClock.Instant?

    public init() {}

    public func begin() {
        if inFlight == 0 { busySince = .now }
        inFlight += 1
    }

    public func end() {
        inFlight -= 1
        if inFlight == 0, let since = busySince {
            let d = ContinuousClock.now - since
            s.busySeconds += Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            busySince = nil
        }
    }

    public func record(reply: ChatReply, cached: Bool) {
        s.requests += 1
        if cached { s.cacheHits += 1 }
        s.promptTokens += reply.promptTokens
        s.completionTokens += reply.completionTokens
    }

    public func retry() { s.retries += 1 }
    public func failure() { s.requests += 1; s.failures += 1 }
    public func snapshot() -> Snapshot { s }
}
