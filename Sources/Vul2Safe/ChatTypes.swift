// The OpenAI-compatible chat request/reply shapes, and the `Teacher` contract the pipeline talks to.
import Foundation

/// One chat message (`system`, `user` or `assistant`).
public struct ChatMessage: Codable, Sendable, Hashable {
    public var role: String
    public var content: String
    public init(role: String, content: String) { self.role = role; self.content = content }
    public static func system(_ s: String) -> ChatMessage { ChatMessage(role: "system", content: s) }
    public static func user(_ s: String) -> ChatMessage { ChatMessage(role: "user", content: s) }
    public static func assistant(_ s: String) -> ChatMessage { ChatMessage(role: "assistant", content: s) }
}

/// A `/v1/chat/completions` request body. Encoded with sorted keys it is also the cache key.
public struct ChatRequest: Codable, Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var temperature: Double
    public var maxTokens: Int
    public var seed: Int?
    public var stream: Bool

    public init(model: String, messages: [ChatMessage], temperature: Double, maxTokens: Int, seed: Int?, stream: Bool = false) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.stream = stream
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stream
        case maxTokens = "max_tokens"
    }

    /// The canonical JSON (sorted keys, no escaped slashes) whose SHA-256 keys the response cache.
    ///
    /// `stream` is excluded: a streamed and a plain request for the same prompt produce the same
    /// completion, so switching transport must not invalidate the cache.
    public var cacheKey: String {
        var copy = self
        copy.stream = false
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(copy)) ?? Data()
        return SHA256Digest.hex(String(decoding: data, as: UTF8.self))
    }
}

/// The teacher's answer: the assistant text plus token accounting.
public struct ChatReply: Codable, Sendable, Equatable {
    public var content: String
    public var promptTokens: Int
    public var completionTokens: Int
    /// `stop`, `length`, … as the server reported it (`nil` when the server omitted it).
    public var finishReason: String?
    public init(content: String, promptTokens: Int = 0, completionTokens: Int = 0, finishReason: String? = nil) {
        self.content = content
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
    }
    enum CodingKeys: String, CodingKey {
        case content
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case finishReason = "finish_reason"
    }
    public var totalTokens: Int { promptTokens + completionTokens }
}

/// Why a teacher call failed after all retries. Carried into the failed record's reasons.
public struct TeacherError: Error, CustomStringConvertible, Sendable, Equatable {
    public var reason: String
    public var attempts: Int
    public init(reason: String, attempts: Int) { self.reason = reason; self.attempts = attempts }
    public var description: String { "teacher failed after \(attempts) attempt(s): \(reason)" }
}

/// Anything that answers chat requests: the HTTP client, or a scripted fake in tests.
public protocol Teacher: Sendable {
    /// The model name requests are sent for (part of the cache key).
    var model: String { get }
    func complete(_ request: ChatRequest) async throws -> ChatReply
}
