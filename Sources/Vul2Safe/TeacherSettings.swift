// Settings for the OpenAI-compatible teacher: endpoint, sampling, resilience and the cache.
import Foundation

/// Everything that configures ``OpenAITeacher``. `Codable` so a run can record what it used.
public struct TeacherSettings: Codable, Sendable, Equatable {
    /// Base URL up to (not including) `/chat/completions`, e.g. `http://127.0.0.1:8080/v1`.
    /// A URL without a `/v1` path gets one appended.
    public var baseURL: String
    public var model: String
    /// The environment variable holding the API key; unset or empty means no `Authorization` header.
    public var apiKeyEnv: String = "OPENAI_API_KEY"
    public var temperature: Double = 0.2
    public var maxTokens: Int = 768
    public var seed: Int? = 0
    /// Use server-sent events (`stream: true`) and assemble the deltas.
    public var stream: Bool = false
    /// Whole-request deadline, seconds (connect + head + body).
    public var requestTimeout: Double = 120
    /// Retries after the first attempt on 429, 5xx, timeouts, malformed bodies and cut streams.
    public var maxRetries: Int = 4
    /// Backoff before retry n (1-based): `base * 2^(n-1)` capped at `maxBackoff`, times a jitter in [0.5, 1).
    public var backoffBase: Double = 0.5
    public var maxBackoff: Double = 20
    /// At most this many requests in flight.
    public var concurrency: Int = 2
    /// At most this many request starts per second (0 = unlimited).
    public var requestsPerSecond: Double = 0
    /// Directory of cached replies (`<sha256>.json`); `nil` disables the cache.
    public var cacheDirectory: String? = nil

    public init(baseURL: String, model: String) {
        self.baseURL = baseURL
        self.model = model
    }

    /// The full `/chat/completions` endpoint.
    public var completionsURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/chat/completions") { return base }
        if !base.hasSuffix("/v1") { base += "/v1" }
        return base + "/chat/completions"
    }

    /// The backoff before retry `attempt` (1-based), given a jitter draw in [0, 1).
    public func backoff(attempt: Int, jitter: Double) -> Double {
        let raw = backoffBase * pow(2, Double(max(0, attempt - 1)))
        return min(raw, maxBackoff) * (0.5 + 0.5 * jitter)
    }
}
