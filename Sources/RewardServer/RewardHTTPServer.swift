// RewardHTTPServer: `srcode reward serve`, the token-level security reward over HTTP (Hummingbird), for verl and OpenRLHF.
import Foundation
import Hummingbird
import NIOCore
import Rewards

/// Serves ``RewardComposer`` rewards — the same composer, built the same way, as `train ppo` — so a
/// distributed trainer (verl) gets SRCode's per-token security reward for its own tokenizer.
///
/// Endpoints (docs/SCALE-OUT.md has the schemas):
/// - `POST /v1/rewards`: items `{response, offsets, offset_unit?, record_id?, reference?}` → per item
///   one reward per caller token, the outcome, the parts by source and the findings with spans.
///   A malformed item answers an item error; the rest of its batch is scored.
/// - `POST /v1/openrlhf` (alias `POST /get_reward`): OpenRLHF's remote reward-model protocol
///   `{query, prompts?, labels?}` → `{rewards, scores, extra_logs}`, one scalar per query.
/// - `GET /health`, `GET /metrics` (Prometheus text).
///
/// ```swift
/// let server = RewardHTTPServer(scorer: RewardScorer(composer: RewardComposer(config: RewardConfig())))
/// try await server.run(host: "127.0.0.1", port: 8090)
/// ```
public final class RewardHTTPServer: Sendable {
    public let scorer: RewardScorer
    public let limits: RewardServerLimits
    public let references: ReferenceStore
    public let metrics = RewardMetrics()

    public init(scorer: RewardScorer, limits: RewardServerLimits = RewardServerLimits(), references: ReferenceStore = ReferenceStore()) {
        self.scorer = scorer
        self.limits = limits
        self.references = references
    }

    /// Binds and serves until cancelled. `onRunning` gets the bound port (useful with port 0).
    public func run(host: String, port: Int, onRunning: (@Sendable (Int) -> Void)? = nil) async throws {
        let app = Application(
            router: makeRouter(), configuration: .init(address: .hostname(host, port: port), serverName: "srcode-reward"),
            onServerRunning: { ch in onRunning?(ch.localAddress?.port ?? port) })
        try await app.runService()
    }

    /// The routes, also usable with Hummingbird's test client.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("health") { [self] _, _ in
            Self.json(200, ["status": "ok", "records": references.count, "level": scorer.composer.config.level.rawValue,
                            "check_compile": scorer.composer.config.checkCompile])
        }
        router.get("metrics") { [self] _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.post("v1/rewards") { [self] req, _ in await timed("/v1/rewards") { try await rewards(req) } }
        router.post("v1/openrlhf") { [self] req, _ in await timed("/v1/openrlhf") { try await openRLHF(req) } }
        router.post("get_reward") { [self] req, _ in await timed("/get_reward") { try await openRLHF(req) } }
        return router
    }

    // MARK: - Handling

    /// Runs a handler, turns its errors into JSON answers, and records the request in the metrics.
    func timed(_ endpoint: String, _ body: () async throws -> (Response, ok: Int, errors: Int)) async -> Response {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let (response, ok, errors): (Response, Int, Int)
        do { (response, ok, errors) = try await body() } catch let e as RewardAPIError {
            (response, ok, errors) = (Self.json(e.status, e.json), 0, 0)
        } catch {
            (response, ok, errors) = (Self.json(500, RewardAPIError(500, "internal", "\(error)").json), 0, 0)
        }
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        metrics.record(endpoint: endpoint, status: Int(response.status.code), seconds: dt, ok: ok, errors: errors)
        return response
    }

    /// The body, within the size limit and nesting depth (a deeply nested body must not exhaust the parser's stack).
    func body(_ request: Request) async throws -> Data {
        var req = request
        let buffer: ByteBuffer
        do { buffer = try await req.collectBody(upTo: limits.maxBodyBytes) } catch {
            throw RewardAPIError(413, "body_too_large", "request body exceeds \(limits.maxBodyBytes) bytes")
        }
        let data = Data(buffer.readableBytesView)
        guard Self.nestingDepth(data) <= 32 else { throw RewardAPIError(400, "invalid_json", "JSON nested deeper than 32 levels") }
        return data
    }

    func rewards(_ request: Request) async throws -> (Response, ok: Int, errors: Int) {
        let parsed = try RewardRequest(body: try await body(request), limits: limits, references: references)
        let results = await scorer.scoreAll(parsed.items, deadline: limits.deadlineSeconds)
        let errors = results.filter { $0.error != nil }.count
        let encoder = JSONEncoder()
        let data = try encoder.encode(RewardsAnswer(results: results, errors: errors))
        return (Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))),
                results.count - errors, errors)
    }

    /// OpenRLHF's remote reward model: `query[i]` is prompt + response; `prompts[i]`, when given and a
    /// prefix, is cut off; `labels[i]`, when it names a loaded record, selects the repair reference.
    /// The scalar is the sum of the token rewards (what the instance-level arm puts on the last token).
    func openRLHF(_ request: Request) async throws -> (Response, ok: Int, errors: Int) {
        let data = try await body(request)
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw RewardAPIError(400, "invalid_json", "request body is not a JSON object")
        }
        guard let queries = o["query"] as? [String] else { throw RewardAPIError(400, "missing_query", "'query' (array of strings) is required") }
        guard queries.count <= limits.maxBatchItems else {
            throw RewardAPIError(413, "batch_too_large", "\(queries.count) queries; the limit is \(limits.maxBatchItems) per request")
        }
        let prompts = o["prompts"] as? [String] ?? [], labels = o["labels"] as? [Any] ?? []
        let items: [Result<RewardItem, RewardAPIError>] = queries.enumerated().map { i, q in
            var response = q
            if i < prompts.count, q.hasPrefix(prompts[i]) { response = String(q.dropFirst(prompts[i].count)) }
            let n = response.utf8.count
            guard n <= limits.maxResponseBytes else {
                return .failure(RewardAPIError(400, "response_too_long", "query[\(i)]: \(n) bytes; the limit is \(limits.maxResponseBytes)"))
            }
            let label = i < labels.count ? labels[i] as? String : nil
            return .success(RewardItem(id: label, response: response, offsets: [(0, n)], unit: .byte,
                                       reference: label.flatMap { references.reference($0) }))
        }
        let results = await scorer.scoreAll(items, deadline: limits.deadlineSeconds)
        let broken = Double(scorer.composer.config.outcomeBroken)
        let scores = results.map { r in r.total.map(Double.init) ?? broken }
        let errors = results.filter { $0.error != nil }.count
        let logs: [String: Any] = [
            "outcome": results.map { $0.outcome.map(Double.init) ?? broken },
            "oracle": results.map { Double($0.parts?["oracle"] ?? 0) },
            "vulnerable": results.map { ($0.vulnerable ?? false) ? 1.0 : 0.0 },
            "error": results.map { $0.error?.code ?? "" },
        ]
        return (Self.json(200, ["rewards": scores, "scores": scores, "extra_logs": logs]), results.count - errors, errors)
    }

    static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Deepest `[`/`{` nesting outside strings (a linear scan, before any parser sees the body).
    static func nestingDepth(_ data: Data) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for b in data {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1; deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}

/// The `POST /v1/rewards` answer: one result per item, in order, and how many are errors.
struct RewardsAnswer: Encodable {
    var results: [ItemResult]
    var errors: Int
}
