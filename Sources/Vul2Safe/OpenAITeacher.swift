// The HTTP teacher: OpenAI-compatible /v1/chat/completions, plain or SSE, with retries, limits and a cache.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Talks to any OpenAI-compatible server (OpenAI, vLLM, llama.cpp, llama-cpp-python, `srcode serve`).
///
/// ```swift
/// var settings = TeacherSettings(baseURL: "http://127.0.0.1:8080/v1", model: "qwen")
/// settings.cacheDirectory = "out/cache"
/// let teacher = try OpenAITeacher(settings: settings)
/// let reply = try await teacher.complete(teacher.request([.user("hi")]))
/// ```
///
/// Every failure mode a flaky server shows (429, 5xx, timeouts, garbage or truncated bodies, a
/// stream cut before `[DONE]`) is retried with exponential backoff and jitter up to
/// `settings.maxRetries` times; after that a ``TeacherError`` names the last reason.
public struct OpenAITeacher: Teacher {
    public let settings: TeacherSettings
    public let meter: TeacherMeter
    private let limiter: RateLimiter
    private let cache: ResponseCache?
    private let apiKey: String?

    public var model: String { settings.model }

    public init(settings: TeacherSettings, meter: TeacherMeter = TeacherMeter()) throws {
        self.settings = settings
        self.meter = meter
        limiter = RateLimiter(concurrency: settings.concurrency, requestsPerSecond: settings.requestsPerSecond)
        cache = try settings.cacheDirectory.map { try ResponseCache(directory: $0) }
        let key = ProcessInfo.processInfo.environment[settings.apiKeyEnv]
        apiKey = (key?.isEmpty ?? true) ? nil : key
    }

    /// A request with this teacher's sampling settings.
    public func request(_ messages: [ChatMessage]) -> ChatRequest {
        ChatRequest(model: settings.model, messages: messages, temperature: settings.temperature,
                    maxTokens: settings.maxTokens, seed: settings.seed, stream: settings.stream)
    }

    // MARK: - Completion with retries

    public func complete(_ request: ChatRequest) async throws -> ChatReply {
        let key = request.cacheKey
        if let hit = cache?.lookup(key) {
            await meter.record(reply: hit, cached: true)
            return hit
        }
        var lastReason = "no attempt"
        var lastError: AttemptError?
        var attempts = 0
        for attempt in 0...max(0, settings.maxRetries) {
            try Task.checkCancellation()
            attempts = attempt + 1
            if attempt > 0 {
                await meter.retry()
                var delay = settings.backoff(attempt: attempt, jitter: Double.random(in: 0..<1))
                if case .status(429, _, let retryAfter?) = lastError { delay = max(delay, min(retryAfter, settings.maxBackoff)) }
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
            do {
                let reply = try await limiter.run { try await attemptOnce(request) }
                cache?.store(reply, for: key)
                await meter.record(reply: reply, cached: false)
                return reply
            } catch let error as AttemptError {
                lastReason = error.description
                lastError = error
                if !error.isRetryable { break }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                lastReason = "transport: \(error)"
                lastError = .transport(String(describing: error))
            }
        }
        await meter.failure()
        throw TeacherError(reason: lastReason, attempts: attempts)
    }

    // MARK: - One attempt

    private func attemptOnce(_ request: ChatRequest) async throws -> ChatReply {
        await meter.begin()
        defer { Task { await meter.end() } }
        let timeout = settings.requestTimeout
        return try await withThrowingTaskGroup(of: ChatReply.self) { group in
            group.addTask { try await send(request) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                throw AttemptError.timeout(timeout)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw AttemptError.timeout(timeout) }
            return first
        }
    }

    private func send(_ request: ChatRequest) async throws -> ChatReply {
        var http = HTTPClientRequest(url: settings.completionsURL)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { http.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        var body = request
        body.stream = settings.stream
        http.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let client = HTTPClients.client(readTimeout: settings.requestTimeout)
        let response = try await client.execute(http, timeout: .seconds(Int64(settings.requestTimeout) + 1))
        guard response.status == .ok else {
            let text = (try? await response.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            throw AttemptError.status(Int(response.status.code), String(text.prefix(200)), retryAfter)
        }
        if settings.stream {
            var parser = SSEParser()
            for try await chunk in response.body { try parser.feed(Array(chunk.readableBytesView)) }
            return try parser.finish()
        }
        let data = try await response.body.collect(upTo: 32 << 20)
        return try CompletionParser.parse(Array(data.readableBytesView))
    }
}

// MARK: - Clients

/// Process-lifetime HTTP clients, one per read timeout. `HTTPClient.shared` has a fixed read
/// timeout that a slow local teacher (a CPU-bound llama.cpp generating 256 tokens) exceeds, and a
/// client per request would leak connection pools; like `shared`, these are never shut down.
enum HTTPClients {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var clients: [Int: HTTPClient] = [:]

    static func client(readTimeout: Double) -> HTTPClient {
        let key = Int(readTimeout.rounded(.up)) + 1
        lock.lock()
        defer { lock.unlock() }
        if let c = clients[key] { return c }
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .seconds(10), read: .seconds(Int64(key)))
        let c = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        clients[key] = c
        return c
    }
}
