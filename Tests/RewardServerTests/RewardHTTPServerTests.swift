// `srcode reward serve` end to end on loopback: identical rewards, real tokenizers, bad input, fuzzing, metrics, OpenRLHF.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ModelIO
import Rewards
import Testing
@testable import RewardServer

/// A server on a free loopback port, and a tiny HTTP client for it.
struct LiveServer {
    let base: String
    let server: RewardHTTPServer

    static func start(_ composer: RewardComposer = testComposer(), limits: RewardServerLimits = RewardServerLimits(),
                      references: ReferenceStore = ReferenceStore()) async throws -> LiveServer {
        let server = RewardHTTPServer(scorer: RewardScorer(composer: composer), limits: limits, references: references)
        let port = PortBox()
        Task { try await server.run(host: "127.0.0.1", port: 0) { port.set($0) } }
        for _ in 0..<250 where port.get() == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        return LiveServer(base: "http://127.0.0.1:\(try #require(port.get()))", server: server)
    }

    func request(_ path: String, body: Data? = nil) async throws -> (Int, Data) {
        var req = URLRequest(url: URL(string: base + path)!)
        req.timeoutInterval = 60
        if let body {
            req.httpMethod = "POST"
            req.httpBody = body
            req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        return try await withCheckedThrowingContinuation { cont in
            URLSession.shared.dataTask(with: req) { data, resp, error in
                if let error { cont.resume(throwing: error); return }
                cont.resume(returning: ((resp as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
            }.resume()
        }
    }

    func post(_ path: String, _ object: Any) async throws -> (Int, [String: Any]) {
        let (s, d) = try await request(path, body: try JSONSerialization.data(withJSONObject: object))
        return (s, (try? JSONSerialization.jsonObject(with: d)) as? [String: Any] ?? [:])
    }
}

final class PortBox: @unchecked Sendable {
    let lock = NSLock()
    var port: Int?
    func set(_ p: Int) { lock.lock(); port = p; lock.unlock() }
    func get() -> Int? { lock.lock(); defer { lock.unlock() }; return port }
}

/// The answer's results, decoded as the server typed them (so Float bits can be compared).
func decodeResults(_ data: Data) throws -> [ItemResult] {
    struct Answer: Decodable { var results: [ItemResult] }
    return try JSONDecoder().decode(Answer.self, from: data).results
}

func offsetsJSON(_ o: [(Int, Int)]) -> [[Int]] { o.map { [$0.0, $0.1] } }

@Suite(.serialized, .timeLimit(.minutes(5))) struct RewardHTTPServerTests {
    /// The default models' own tokenizers, loaded by ModelIO: the served rewards for their offsets are
    /// bit-identical to the in-process composer on their token bytes (what `train ppo` computes).
    @Test(arguments: ["qwen2.5-coder-0.5b", "smollm2"])
    func realTokenizerRewardsAreBitIdenticalToInProcess(model: String) async throws {
        guard let path = ModelStore.default.cachedPath(model) else {
            print("SKIP: model \(model) is not in \(ModelStore.default.root); run `srcode model pull \(model)`")
            return
        }
        let tok = try Tokenizer(gguf: GGUFFile(path: path))
        var config = RewardConfig()
        config.checkCompile = false
        let live = try await LiveServer.start(testComposer(config))
        let responses = [craftedResponse, craftedResponse.replacingOccurrences(of: "strcpy(out, name)", with: "memcpy(out, name, strlen(name) + 1)"),
                         "No code here — just prose ✓.", "```c\nint f(char *s) { char b[8]; gets(b); return sprintf(b, \"%s\", s); }\n```"]
        var items: [[String: Any]] = [], inProcess: [TokenRewards] = []
        for r in responses {
            let bytes = tok.encode(r, parseSpecial: false).map { tok.decodeBytes([$0]) } + [[]]   // + EOS (zero-width)
            #expect(bytes.flatMap { $0 } == Array(r.utf8))
            inProcess.append(await testComposer(config).compose(tokenBytes: bytes, reference: nil))
            items.append(["response": r, "offsets": offsetsJSON(hfOffsets(r, tokenBytes: bytes))])
        }
        let (status, data) = try await live.request("/v1/rewards", body: try JSONSerialization.data(withJSONObject: ["items": items]))
        #expect(status == 200)
        let results = try decodeResults(data)
        #expect(results.count == responses.count)
        for (r, want) in zip(results, inProcess) {
            #expect(r.error == nil)
            #expect(r.tokenRewards?.map(\.bitPattern) == want.perToken.map(\.bitPattern))
            #expect(r.outcome == want.outcome && r.parts == want.parts && r.vulnerable == want.vulnerable)
        }
        // The vulnerable call's tokens carry the penalty; some split a character somewhere in the prose.
        let copy = try #require(results[0].findings?.first { $0.cwe == "CWE-120" })
        #expect(copy.tokens.allSatisfy { (results[0].tokenRewards?[$0] ?? 0) < 0 })
    }

    @Test func badInputAnswers4xxAndMalformedItemsFailAlone() async throws {
        var limits = RewardServerLimits()
        limits.maxBodyBytes = 64 << 10
        limits.maxBatchItems = 8
        limits.maxResponseBytes = 2048
        let refs = ReferenceStore(["pv-1": RewardReference(cwes: ["CWE-120"], secureCode: "", vulnerableCode: "", secureSpans: [], vulnerableSpans: [])])
        let live = try await LiveServer.start(limits: limits, references: refs)
        let ok: [String: Any] = ["response": "x;", "offsets": [[0, 1], [1, 2]]]
        let batchCases: [(Any, Int, String)] = [
            (["items": []], 400, "empty_batch"),
            (["itemz": [ok]], 400, "missing_items"),
            (["items": Array(repeating: ok, count: 9)], 413, "batch_too_large"),
            (["items": [["response": String(repeating: "a", count: 70_000), "offsets": []]]], 413, "body_too_large"),
        ]
        for (body, status, code) in batchCases {
            let (s, o) = try await live.post("/v1/rewards", body)
            #expect(s == status && (o["error"] as? [String: Any])?["code"] as? String == code, "\(code): \(s) \(o)")
        }
        for raw in ["{not json", "[1, 2]", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)] {
            let (s, d) = try await live.request("/v1/rewards", body: Data(raw.utf8))
            let o = (try? JSONSerialization.jsonObject(with: d)) as? [String: Any]
            #expect(s == 400 && (o?["error"] as? [String: Any])?["code"] as? String == "invalid_json", "\(raw.prefix(20)): \(s)")
        }
        // One batch, one bad item of each kind, and good items that are still scored.
        let items: [Any] = [
            ok,
            "not an object",
            ["offsets": [[0, 1]]],
            ["response": "abc", "offsets": [[0, 2], [2, 9]]],
            ["response": "abc", "offsets": [[0, 2], "x"]],
            ["response": String(repeating: "a;", count: 1500), "offsets": []],
            ["response": "abc", "offsets": [[0, 3]], "record_id": "pv-404"],
            ["response": "abc", "offsets": [[0, 3]], "offset_unit": "word"],
        ]
        let (s, o) = try await live.post("/v1/rewards", ["items": items])
        #expect(s == 200)
        let results = try #require(o["results"] as? [[String: Any]])
        let codes = results.map { ($0["error"] as? [String: Any])?["code"] as? String ?? "ok" }
        #expect(codes == ["ok", "invalid_item", "invalid_item", "invalid_offsets", "invalid_offsets", "response_too_long", "unknown_record", "invalid_offset_unit"])
        #expect(o["errors"] as? Int == 7)
        #expect((results[3]["error"] as? [String: Any])?["message"] as? String == "items[3].offsets[1] = [2, 9] is not a range within the response's 3 characters")
        #expect((results[0]["token_rewards"] as? [Double])?.count == 2)
        // A known record id is accepted.
        let (s2, o2) = try await live.post("/v1/rewards", ["items": [["response": "x;", "offsets": [[0, 2]], "record_id": "pv-1"]]])
        #expect(s2 == 200 && o2["errors"] as? Int == 0)
    }

    @Test func itemsPastTheDeadlineAnswerDeadlineExceeded() async throws {
        var config = RewardConfig()
        config.checkCompile = true
        var limits = RewardServerLimits()
        limits.deadlineSeconds = 0.3
        // A compile gate that hangs for the second item only.
        let slow = RewardComposer(config: config, compile: { code in
            if code.contains("slow") { try? await Task.sleep(nanoseconds: 3_000_000_000) }
            return true
        })
        let live = try await LiveServer.start(slow, limits: limits)
        let t0 = Date()
        let (s, o) = try await live.post("/v1/rewards", ["items": [["response": "int fast;", "offsets": [[0, 9]]],
                                                                   ["response": "int slow;", "offsets": [[0, 9]]]]])
        #expect(Date().timeIntervalSince(t0) < 2.5)
        let results = try #require(o["results"] as? [[String: Any]])
        #expect(s == 200 && results.count == 2)
        #expect(results[0]["error"] == nil && (results[1]["error"] as? [String: Any])?["code"] as? String == "deadline_exceeded")
    }

    /// Random bytes, truncated valid bodies and type-confused items: every answer is JSON with a status
    /// below 500, and the server still serves afterwards.
    @Test func fuzzedBodiesNeverCrashTheServer() async throws {
        var limits = RewardServerLimits()
        limits.maxBodyBytes = 16 << 10
        let live = try await LiveServer.start(limits: limits)
        let valid = try JSONSerialization.data(withJSONObject: ["items": [
            ["id": "a", "response": craftedResponse, "offsets": offsetsJSON(hfOffsets(craftedResponse, tokenBytes: byteChunks(craftedResponse, 3)))],
            ["response": "int x;", "offsets": [[0, 3], [3, 6]], "offset_unit": "byte", "reference": ["secure_code": "int x = 0;"]],
        ]])
        var rng = SystemRandomNumberGenerator()
        var statuses: [Int: Int] = [:]
        for k in 0..<300 {
            var body: Data
            switch k % 4 {
            case 0: body = Data((0..<Int.random(in: 0...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            case 1: body = valid.prefix(Int.random(in: 0..<valid.count, using: &rng))
            case 2:  // flip a few bytes of a valid body
                body = valid
                for _ in 0..<4 { body[Int.random(in: 0..<body.count, using: &rng)] = UInt8.random(in: 0x20...0x7E, using: &rng) }
            default:
                let junk: [Any] = [NSNull(), 1, -7, 1e300, "s", [1], ["response": 5], ["response": "a", "offsets": [[1e20, 2]]],
                                   ["response": "a", "offsets": [[0, 1]], "reference": [1, 2]], ["response": "a", "offsets": [[true, 1]]]]
                body = try JSONSerialization.data(withJSONObject: ["items": (0..<3).map { _ in junk.randomElement(using: &rng)! }])
            }
            let (s, d) = try await live.request("/v1/rewards", body: body)
            statuses[s, default: 0] += 1
            #expect(s > 0 && s < 500, "case \(k): status \(s)")
            #expect((try? JSONSerialization.jsonObject(with: d)) != nil, "case \(k): answer is not JSON")
        }
        print("FUZZ statuses: \(statuses.sorted { $0.key < $1.key })")
        let (s, d) = try await live.request("/v1/rewards", body: valid)
        let clean = try decodeResults(d).allSatisfy { $0.error == nil }
        #expect(s == 200 && clean)
    }

    @Test func healthMetricsAndOpenRLHFScalar() async throws {
        var config = RewardConfig()
        config.checkCompile = false
        let live = try await LiveServer.start(testComposer(config))
        let (hs, hd) = try await live.request("/health")
        #expect(hs == 200 && String(decoding: hd, as: UTF8.self).contains("\"status\":\"ok\""))
        // OpenRLHF: query = prompt + response; the scalar is the response's summed token reward.
        let prompt = "<|im_start|>user\nCopy a name.<|im_end|>\n<|im_start|>assistant\n"
        let (s, o) = try await live.post("/v1/openrlhf", ["query": [prompt + craftedResponse, prompt + "Sorry."], "prompts": [prompt, prompt]])
        #expect(s == 200)
        let rewards = try #require(o["rewards"] as? [Double])
        let want = await testComposer(config).compose(tokenBytes: byteChunks(craftedResponse, 5), reference: nil).total
        #expect(abs(rewards[0] - Double(want)) < 1e-4)
        #expect(rewards[1] == Double(config.outcomeBroken))   // no code at all
        #expect(((o["extra_logs"] as? [String: Any])?["vulnerable"] as? [Double]) == [1, 0])
        let (alias, _) = try await live.post("/get_reward", ["query": ["x;"]])
        #expect(alias == 200)
        let (ms, md) = try await live.request("/metrics")
        let text = String(decoding: md, as: UTF8.self)
        #expect(ms == 200)
        #expect(text.contains("srcode_reward_requests_total{endpoint=\"/v1/openrlhf\",status=\"200\"} 1"))
        #expect(text.contains("srcode_reward_items_total{result=\"ok\"} 3"))
        #expect(text.contains("srcode_reward_request_seconds_bucket{le=\"+Inf\"} 2"))
        #expect(text.contains("# TYPE srcode_reward_items_per_second gauge"))
    }
}
