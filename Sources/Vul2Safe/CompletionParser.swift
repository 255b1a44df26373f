// Parses chat-completion bodies: one JSON object (plain) or server-sent-event deltas (streaming).
import Foundation

/// Decodes a non-streaming `/chat/completions` body, tolerating missing optional fields.
enum CompletionParser {
    static func parse(_ bytes: [UInt8]) throws -> ChatReply {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw AttemptError.malformed("body is not a JSON object (\(bytes.count) bytes)")
        }
        if let error = object["error"] {
            throw AttemptError.malformed("server error object: \(String(describing: error).prefix(200))")
        }
        guard let choices = object["choices"] as? [[String: Any]], let first = choices.first else {
            throw AttemptError.malformed("no choices")
        }
        let message = first["message"] as? [String: Any]
        guard let content = message?["content"] as? String ?? first["text"] as? String else {
            throw AttemptError.malformed("choice has no message content")
        }
        let usage = object["usage"] as? [String: Any]
        return ChatReply(content: content,
                         promptTokens: usage?["prompt_tokens"] as? Int ?? 0,
                         completionTokens: usage?["completion_tokens"] as? Int ?? 0,
                         finishReason: first["finish_reason"] as? String)
    }
}

/// Incremental SSE parser: `data: {json}` lines carry `choices[0].delta.content`; `data: [DONE]` ends.
///
/// A stream that ends without `[DONE]` and without a `finish_reason` was cut: the partial text is
/// discarded (a truncated repair would poison the gates) and the attempt is retried.
struct SSEParser {
    private var pending: [UInt8] = []
    private var content = ""
    private var finishReason: String?
    private var done = false
    private var promptTokens = 0
    private var completionTokens = 0
    private var deltas = 0

    mutating func feed(_ bytes: [UInt8]) throws {
        pending.append(contentsOf: bytes)
        while let nl = pending.firstIndex(of: 0x0A) {
            var line = Array(pending[..<nl])
            pending.removeSubrange(...nl)
            if line.last == 0x0D { line.removeLast() }
            try handle(String(decoding: line, as: UTF8.self))
        }
    }

    private mutating func handle(_ line: String) throws {
        guard line.hasPrefix("data:") else { return }  // comments, `event:`, blank separators
        let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
        if payload == "[DONE]" { done = true; return }
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
            throw AttemptError.malformed("SSE event is not JSON: \(payload.prefix(80))")
        }
        if let usage = object["usage"] as? [String: Any] {
            promptTokens = usage["prompt_tokens"] as? Int ?? promptTokens
            completionTokens = usage["completion_tokens"] as? Int ?? completionTokens
        }
        guard let choice = (object["choices"] as? [[String: Any]])?.first else { return }
        if let delta = choice["delta"] as? [String: Any], let text = delta["content"] as? String {
            content += text
            deltas += 1
        }
        if let reason = choice["finish_reason"] as? String { finishReason = reason }
    }

    mutating func finish() throws -> ChatReply {
        if !pending.isEmpty { try handle(String(decoding: pending, as: UTF8.self)); pending = [] }
        guard done || finishReason != nil else {
            throw AttemptError.cutStream("ended after \(deltas) deltas without [DONE] or finish_reason")
        }
        // Servers that omit usage in streams: count one token per delta, the usual granularity.
        return ChatReply(content: content, promptTokens: promptTokens,
                         completionTokens: completionTokens > 0 ? completionTokens : deltas,
                         finishReason: finishReason)
    }
}

// MARK: - Attempt errors

/// What went wrong in one attempt; `isRetryable` decides whether backoff follows.
enum AttemptError: Error, CustomStringConvertible {
    case status(Int, String, Double?)
    case timeout(Double)
    case malformed(String)
    case cutStream(String)
    case transport(String)

    var isRetryable: Bool {
        switch self {
        case .status(let code, _, _): return code == 408 || code == 429 || code >= 500
        default: return true
        }
    }

    var description: String {
        switch self {
        case .status(let code, let body, _): return "HTTP \(code)\(body.isEmpty ? "" : ": \(body)")"
        case .timeout(let s): return "timed out after \(s)s"
        case .malformed(let why): return "malformed reply: \(why)"
        case .cutStream(let why): return "stream cut: \(why)"
        case .transport(let why): return why
        }
    }
}
