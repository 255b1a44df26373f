// OpenAIServer: `srcode serve`, an OpenAI-compatible HTTP API (chat, completions, SSE streaming, models) on Hummingbird.
import Foundation
import Hummingbird
import LM
import NIOCore

/// Serves one model under one id.
///
/// Endpoints: `GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/completions`, `GET /health`.
/// `"stream": true` answers Server-Sent Events (`data: {chunk}\n\n` … `data: [DONE]\n\n`).
/// Invalid JSON, unknown models, over-long prompts and oversized bodies get 4xx JSON errors.
///
/// ```swift
/// let server = OpenAIServer(generator: gen, modelID: "qwen2.5-coder-0.5b")
/// try await server.run(host: "127.0.0.1", port: 8080)
/// ```
public final class OpenAIServer: @unchecked Sendable {
    public let modelID: String
    public let limits: ServerLimits
    let models: ModelQueue
    let counter = Counter()

    public init(generator: Generator, modelID: String, limits: ServerLimits = ServerLimits()) {
        self.modelID = modelID
        self.limits = limits
        models = ModelQueue(generator: generator, maxQueued: limits.maxQueued)
    }

    /// Binds and serves until cancelled. `onRunning` gets the bound port (useful with port 0).
    public func run(host: String, port: Int, onRunning: (@Sendable (Int) -> Void)? = nil) async throws {
        let app = Application(
            router: makeRouter(), configuration: .init(address: .hostname(host, port: port), serverName: "srcode"),
            onServerRunning: { ch in onRunning?(ch.localAddress?.port ?? port) })
        try await app.runService()
    }

    /// The routes, also usable with Hummingbird's test client.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("health") { _, _ in Self.json(200, ["status": "ok"]) }
        router.get("v1/models") { [self] _, _ in
            Self.json(200, ["object": "list", "data": [["id": modelID, "object": "model", "created": 0, "owned_by": "srcode"]]])
        }
        router.post("v1/chat/completions") { [self] req, _ in await handle(req, chat: true) }
        router.post("v1/completions") { [self] req, _ in await handle(req, chat: false) }
        return router
    }

    // MARK: - Handling

    /// A streaming request stops generating when its client goes away (the SSE writer's next write
    /// fails, see ``ModelQueue``). A non-streaming one runs to the end: nothing is written to its
    /// connection before that, and Hummingbird does not report the hang-up to the handler.
    func handle(_ request: Request, chat: Bool) async -> Response {
        do {
            var req = request
            let buffer: ByteBuffer
            do { buffer = try await req.collectBody(upTo: limits.maxBodyBytes) } catch {
                throw APIError(413, "body_too_large", "request body exceeds \(limits.maxBodyBytes) bytes")
            }
            let parsed = try CompletionRequest(body: Data(buffer.readableBytesView), chat: chat, limits: limits)
            guard parsed.model == modelID else {
                throw APIError(404, "model_not_found", "model '\(parsed.model)' is not served here; available: \(modelID)")
            }
            let gen = models.generator
            let text = parsed.messages.map { gen.chat.render($0) } ?? parsed.prompt
            let ids = gen.encode(text)
            guard !ids.isEmpty else { throw APIError(400, "empty_prompt", "the prompt is empty") }
            let context = min(limits.maxPromptTokens, gen.model.config.maxPositionEmbeddings - 1)
            guard ids.count <= context else {
                throw APIError(400, "context_length_exceeded", "prompt has \(ids.count) tokens; the limit is \(context)")
            }
            let id = (chat ? "chatcmpl-" : "cmpl-") + String(counter.next())
            let created = Int(Date().timeIntervalSince1970)
            if parsed.stream { return try streamResponse(id: id, created: created, chat: chat, ids: ids, params: parsed.params) }
            let r = try await models.run { gen, stop in try gen.generate(prompts: [ids], params: parsed.params, shouldStop: stop)[0] }
            let choice: [String: Any] = chat
                ? ["index": 0, "message": ["role": "assistant", "content": r.text], "finish_reason": r.finishReason.rawValue, "logprobs": NSNull()]
                : ["index": 0, "text": r.text, "finish_reason": r.finishReason.rawValue, "logprobs": NSNull()]
            return Self.json(200, [
                "id": id, "object": chat ? "chat.completion" : "text_completion", "created": created, "model": modelID,
                "choices": [choice],
                "usage": ["prompt_tokens": ids.count, "completion_tokens": r.tokens.count, "total_tokens": ids.count + r.tokens.count],
            ])
        } catch let e as APIError {
            return Self.json(e.status, e.json)
        } catch {
            return Self.json(500, APIError(500, "internal", "\(error)").json)
        }
    }

    func streamResponse(id: String, created: Int, chat: Bool, ids: [Int32], params: SamplingParams) throws -> Response {
        let (events, cancel) = try models.stream { gen, emit, stop in
            try gen.generate(prompts: [ids], params: params, onText: { _, t in emit(t) }, shouldStop: stop)[0]
        }
        let (model, object) = (modelID, chat ? "chat.completion.chunk" : "text_completion")
        @Sendable func chunk(_ delta: [String: Any]?, text: String?, finish: String?) -> ByteBuffer {
            var choice: [String: Any] = ["index": 0, "finish_reason": finish ?? NSNull(), "logprobs": NSNull()]
            if chat { choice["delta"] = delta ?? [:] } else { choice["text"] = text ?? "" }
            let o: [String: Any] = ["id": id, "object": object, "created": created, "model": model, "choices": [choice]]
            let data = (try? JSONSerialization.data(withJSONObject: o)) ?? Data("{}".utf8)
            return ByteBuffer(string: "data: " + String(decoding: data, as: UTF8.self) + "\n\n")
        }
        let body = ResponseBody { writer in
            defer { cancel() }  // however this ends (a write to a gone client throws), stop generating
            if chat { try await writer.write(chunk(["role": "assistant", "content": ""], text: nil, finish: nil)) }
            do {
                for try await e in events {
                    switch e {
                    case let .text(t): try await writer.write(chunk(["content": t], text: t, finish: nil))
                    case let .done(r): try await writer.write(chunk([:], text: "", finish: r.finishReason.rawValue))
                    }
                }
            } catch {
                let err = (try? JSONSerialization.data(withJSONObject: APIError(500, "internal", "\(error)").json)) ?? Data()
                try await writer.write(ByteBuffer(string: "data: " + String(decoding: err, as: UTF8.self) + "\n\n"))
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Request ids.
final class Counter: @unchecked Sendable {
    let lock = NSLock()
    var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
