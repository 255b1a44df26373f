// A scriptable OpenAI-compatible server on loopback for tests: plain and SSE replies plus injected faults.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// What the fake server received.
public struct FakeRequest: Sendable {
    public var path: String
    public var body: String
    /// All message contents joined (system first), for routing on prompt text.
    public var messagesText: String
    public var stream: Bool
    /// 1-based arrival index across the server's lifetime.
    public var index: Int
}

/// How to answer one request.
public indirect enum FakeAction: Sendable {
    /// A normal completion (plain JSON or SSE, whichever the request asked for).
    case reply(String)
    /// An HTTP error status with a body.
    case status(Int, String)
    /// 200 with a body that is not a completion (HTML, text).
    case garbage(String)
    /// 200 with the first half of a valid completion body.
    case truncatedJSON(String)
    /// SSE that sends some deltas of the text, then drops the connection without `[DONE]`.
    case cutStream(String)
    /// Never answers: holds the connection for `seconds`, then closes it.
    case hang(Double)
    /// Waits, then performs the action.
    case delayed(Double, FakeAction)
}

/// An HTTP/1.1 server on 127.0.0.1 with an ephemeral port; `handler` scripts every reply.
///
/// ```swift
/// let server = try await FakeOpenAIServer { req in req.index == 1 ? .status(429, "slow down") : .reply("hi") }
/// defer { Task { try await server.shutdown() } }
/// let settings = TeacherSettings(baseURL: server.baseURL, model: "fake")
/// ```
public final class FakeOpenAIServer: @unchecked Sendable {
    public let port: Int
    private let channel: Channel
    private let counter: Counter

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    public var requestCount: Int { counter.value }

    public init(handler: @escaping @Sendable (FakeRequest) async -> FakeAction) async throws {
        let counter = Counter()
        self.counter = counter
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(FakeHandler(handler: handler, counter: counter))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    public func shutdown() async throws { try await channel.close() }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

// MARK: - Channel handler

final class FakeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: @Sendable (FakeRequest) async -> FakeAction
    let counter: Counter
    var head: HTTPRequestHead?
    var body = ByteBuffer()

    init(handler: @escaping @Sendable (FakeRequest) async -> FakeAction, counter: Counter) {
        self.handler = handler
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h; body.clear()
        case .body(var b): body.writeBuffer(&b)
        case .end:
            let text = body.readString(length: body.readableBytes) ?? ""
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            let messages = (object?["messages"] as? [[String: Any]] ?? []).compactMap { $0["content"] as? String }
            let request = FakeRequest(path: head?.uri ?? "", body: text, messagesText: messages.joined(separator: "\n\n"),
                                      stream: object?["stream"] as? Bool ?? false, index: counter.next())
            let loop = context.eventLoop
            let bound = NIOLoopBound(context, eventLoop: loop)
            let handler = self.handler
            Task {
                let action = await handler(request)
                await Self.perform(action, request: request, bound: bound, loop: loop)
            }
        }
    }

    static func perform(_ action: FakeAction, request: FakeRequest, bound: NIOLoopBound<ChannelHandlerContext>, loop: EventLoop) async {
        switch action {
        case .delayed(let s, let next):
            try? await Task.sleep(for: .milliseconds(Int(s * 1000)))
            await perform(next, request: request, bound: bound, loop: loop)
        case .hang(let s):
            try? await Task.sleep(for: .milliseconds(Int(s * 1000)))
            loop.execute { bound.value.close(promise: nil) }
        case .reply(let text):
            if request.stream {
                let pieces = chunks(text)
                loop.execute {
                    let ctx = bound.value
                    writeHead(ctx, 200, "text/event-stream", length: nil)
                    for p in pieces { writeBody(ctx, "data: \(deltaJSON(p))\n\n") }
                    writeBody(ctx, "data: \(finishJSON())\n\n")
                    writeBody(ctx, "data: [DONE]\n\n")
                    end(ctx)
                }
            } else {
                let body = completionJSON(text)
                loop.execute { let ctx = bound.value; writeHead(ctx, 200, "application/json", length: body.utf8.count); writeBody(ctx, body); end(ctx) }
            }
        case .status(let code, let text):
            loop.execute { let ctx = bound.value; writeHead(ctx, code, "text/plain", length: text.utf8.count); writeBody(ctx, text); end(ctx) }
        case .garbage(let text):
            loop.execute { let ctx = bound.value; writeHead(ctx, 200, "application/json", length: text.utf8.count); writeBody(ctx, text); end(ctx) }
        case .truncatedJSON(let text):
            let full = completionJSON(text)
            let half = String(full.prefix(full.count / 2))
            loop.execute { let ctx = bound.value; writeHead(ctx, 200, "application/json", length: half.utf8.count); writeBody(ctx, half); end(ctx) }
        case .cutStream(let text):
            let pieces = chunks(text)
            loop.execute {
                let ctx = bound.value
                writeHead(ctx, 200, "text/event-stream", length: nil)
                for p in pieces.prefix(max(1, pieces.count / 2)) { writeBody(ctx, "data: \(deltaJSON(p))\n\n") }
                ctx.flush()
                ctx.close(promise: nil)
            }
        }
    }

    // MARK: - Wire helpers

    static func writeHead(_ ctx: ChannelHandlerContext, _ code: Int, _ type: String, length: Int?) {
        var headers = HTTPHeaders([("Content-Type", type), ("Connection", "close")])
        if let length { headers.add(name: "Content-Length", value: String(length)) }
        ctx.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: code), headers: headers))), promise: nil)
    }

    static func writeBody(_ ctx: ChannelHandlerContext, _ s: String) {
        ctx.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: s)))), promise: nil)
    }

    static func end(_ ctx: ChannelHandlerContext) {
        ctx.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in ctx.close(promise: nil) }
    }

    static func chunks(_ text: String) -> [String] {
        let chars = Array(text)
        guard !chars.isEmpty else { return [""] }
        let size = max(1, chars.count / 4)
        return stride(from: 0, to: chars.count, by: size).map { String(chars[$0..<min(chars.count, $0 + size)]) }
    }

    static func json(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    static func completionJSON(_ text: String) -> String {
        json(["id": "fake", "object": "chat.completion", "model": "fake",
              "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": "stop"]],
              "usage": ["prompt_tokens": 10, "completion_tokens": max(1, text.count / 4), "total_tokens": 10 + max(1, text.count / 4)]])
    }

    static func deltaJSON(_ piece: String) -> String {
        json(["id": "fake", "object": "chat.completion.chunk", "choices": [["index": 0, "delta": ["content": piece]]]])
    }

    static func finishJSON() -> String {
        json(["id": "fake", "object": "chat.completion.chunk", "choices": [["index": 0, "delta": [:] as [String: Any], "finish_reason": "stop"]]])
    }
}
