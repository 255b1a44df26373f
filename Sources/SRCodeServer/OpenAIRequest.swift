// OpenAI request parsing and limits: /v1/chat/completions and /v1/completions bodies → prompt text + SamplingParams.
import Foundation
import LM

/// Request limits of `srcode serve`. Requests beyond them get a 4xx JSON error, never a crash.
public struct ServerLimits: Sendable {
    /// Largest accepted request body (413 above).
    public var maxBodyBytes = 1 << 20
    /// Longest prompt in tokens after templating (400 above), further capped by the model's context.
    /// Large enough for a teacher reading a long dataset function with its diff (Vul2Safe), while a
    /// single request still cannot ask for an unbounded KV cache.
    public var maxPromptTokens = 16384
    /// `max_tokens` is clamped to this.
    public var maxTokensCap = 1024
    /// Requests waiting for the model at once (429 above): generation is serialized.
    public var maxQueued = 32
    public init() {}
}

/// An OpenAI-style error answered as `{"error": {"message", "type", "code"}}`.
public struct APIError: Error, Sendable {
    public var status: Int
    public var message: String
    public var code: String
    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var json: [String: Any] {
        ["error": ["message": message, "type": status >= 500 ? "server_error" : "invalid_request_error", "code": code]]
    }
}

/// A parsed completion request.
struct CompletionRequest {
    var model: String
    /// Chat messages (chat endpoint) or nil for a raw prompt.
    var messages: [(role: String, content: String)]?
    var prompt: String
    var params: SamplingParams
    var stream: Bool

    /// Parses an OpenAI JSON body. `chat` selects the chat schema (messages) over the completion one (prompt).
    init(body: Data, chat: Bool, limits: ServerLimits) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: body), let o = obj as? [String: Any] else {
            throw APIError(400, "invalid_json", "request body is not a JSON object")
        }
        guard let model = o["model"] as? String else { throw APIError(400, "missing_model", "'model' (string) is required") }
        self.model = model
        if chat {
            guard let ms = o["messages"] as? [[String: Any]], !ms.isEmpty else {
                throw APIError(400, "invalid_messages", "'messages' must be a non-empty array of {role, content}")
            }
            messages = try ms.enumerated().map { i, m in
                guard let role = m["role"] as? String, ["system", "user", "assistant"].contains(role) else {
                    throw APIError(400, "invalid_messages", "messages[\(i)].role must be system, user or assistant")
                }
                if let s = m["content"] as? String { return (role, s) }
                if let parts = m["content"] as? [[String: Any]] {  // [{type: text, text}] parts
                    return (role, parts.compactMap { $0["text"] as? String }.joined())
                }
                throw APIError(400, "invalid_messages", "messages[\(i)].content must be a string")
            }
            prompt = ""
        } else {
            if let p = o["prompt"] as? String { prompt = p }
            else if let ps = o["prompt"] as? [String], ps.count == 1 { prompt = ps[0] }
            else { throw APIError(400, "invalid_prompt", "'prompt' must be a string (or a one-element array)") }
            messages = nil
        }
        stream = o["stream"] as? Bool ?? false
        func number(_ k: String) throws -> Double? {
            guard let v = o[k], !(v is NSNull) else { return nil }
            guard let n = v as? NSNumber, n.doubleValue.isFinite else {
                throw APIError(400, "invalid_\(k)", "'\(k)' must be a number")
            }
            return n.doubleValue
        }
        var p = SamplingParams(temperature: 1, maxTokens: 256)
        if let t = try number("temperature") { p.temperature = Float(t) }
        if let t = try number("top_p") { p.topP = Float(t) }
        if let t = try number("top_k") { p.topK = Int(t) }
        if let t = try number("repetition_penalty") { p.repetitionPenalty = Float(t) }
        if let t = try number("max_completion_tokens") ?? number("max_tokens") {
            guard t >= 1 else { throw APIError(400, "invalid_max_tokens", "'max_tokens' must be ≥ 1") }
            p.maxTokens = Int(min(t, Double(limits.maxTokensCap)))
        }
        p.maxTokens = min(p.maxTokens, limits.maxTokensCap)
        if let t = try number("seed") { p.seed = UInt64(max(0, min(t, 9e18))) }
        if let s = o["stop"] as? String { p.stop = [s] } else if let s = o["stop"] as? [String] { p.stop = Array(s.prefix(4)) }
        do { try p.validate() } catch { throw APIError(400, "invalid_sampling", "\(error)") }
        params = p
    }
}
