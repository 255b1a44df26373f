// A local HTTP server on 127.0.0.1 that mimics the Hugging Face hub's file routes, for download tests.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves a fake repo the way huggingface.co does:
/// - `GET /api/models/<org>/<name>` → `{"siblings": [{"rfilename": …}]}`;
/// - `HEAD|GET /<org>/<name>/resolve/main/<file>` → for LFS files `302` to `/lfs/<file>` with
///   `X-Linked-Etag` (sha256) and `X-Linked-Size`; plain files `200` with a git-style `ETag`;
/// - `GET /lfs/<file>` honours `Range: bytes=N-` with `206 Partial Content`.
/// Requests are logged and capped (`maxRequests`) so a looping client fails the test instead of hanging.
final class FakeHub: @unchecked Sendable {
    struct File { var bytes: [UInt8]; var lfs: Bool; var etag: String }
    let repo: String
    private let lock = NSLock()
    private var files: [String: File] = [:]
    private(set) var log: [String] = []
    let maxRequests = 100

    init(repo: String) { self.repo = repo }

    func add(_ name: String, _ bytes: [UInt8], lfs: Bool, etag: String) {
        lock.withLock { files[name] = File(bytes: bytes, lfs: lfs, etag: etag) }
    }

    var requests: [String] { lock.withLock { log } }

    func respond(_ h: HTTPRequestHead) -> (HTTPResponseStatus, HTTPHeaders, [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        let range = h.headers.first(name: "Range")
        log.append("\(h.method) \(h.uri)\(range.map { " [\($0)]" } ?? "")")
        guard log.count <= maxRequests else { return (.tooManyRequests, [:], []) }
        let path = h.uri.split(separator: "?")[0]
        if path == "/api/models/\(repo)" {
            let list = files.keys.sorted().map { "{\"rfilename\":\"\($0)\"}" }.joined(separator: ",")
            return (.ok, ["Content-Type": "application/json"], Array("{\"id\":\"\(repo)\",\"siblings\":[\(list)]}".utf8))
        }
        let resolve = "/\(repo)/resolve/main/"
        if path.hasPrefix(resolve), let f = files[String(path.dropFirst(resolve.count))] {
            let name = String(path.dropFirst(resolve.count))
            if f.lfs {
                return (.found, ["Location": "/lfs/\(name)", "X-Linked-Etag": "\"\(f.etag)\"", "X-Linked-Size": "\(f.bytes.count)",
                                 "ETag": "\"pointer\"", "Content-Length": "0"], [])
            }
            return (.ok, ["ETag": "\"\(f.etag)\"", "Content-Length": "\(f.bytes.count)"], h.method == .HEAD ? [] : f.bytes)
        }
        if path.hasPrefix("/lfs/"), let f = files[String(path.dropFirst(5))] {
            if let range, range.hasPrefix("bytes="), let from = Int(range.dropFirst(6).split(separator: "-")[0]), from < f.bytes.count {
                let body = Array(f.bytes[from...])
                return (.partialContent, ["Content-Length": "\(body.count)",
                                          "Content-Range": "bytes \(from)-\(f.bytes.count - 1)/\(f.bytes.count)"], h.method == .HEAD ? [] : body)
            }
            return (.ok, ["Content-Length": "\(f.bytes.count)"], h.method == .HEAD ? [] : f.bytes)
        }
        return (.notFound, ["Content-Length": "0"], [])
    }
}

private final class HubHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let hub: FakeHub
    var head: HTTPRequestHead?

    init(hub: FakeHub) { self.hub = hub }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let h = head else { return }
            var (status, headers, body) = hub.respond(h)
            if headers["Content-Length"].isEmpty { headers.add(name: "Content-Length", value: "\(body.count)") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: status, headers: headers))), promise: nil)
            if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// Starts the server on an ephemeral port; returns the channel (close it to stop) and the port.
func startFakeHub(_ hub: FakeHub) async throws -> (Channel, Int) {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { ch in
            ch.eventLoop.makeCompletedFuture {
                try ch.pipeline.syncOperations.configureHTTPServerPipeline()
                try ch.pipeline.syncOperations.addHandler(HubHandler(hub: hub))
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    return (channel, channel.localAddress!.port!)
}
