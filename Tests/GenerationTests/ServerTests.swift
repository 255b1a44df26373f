// `srcode serve` end to end on loopback: bad input answered with 4xx while staying up, and the `openai` Python client.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LM
import ModelIO
@testable import SRCodeServer
import Testing

@Suite(.serialized, .timeLimit(.minutes(20))) struct ServerTests {
    /// Starts a server for `gen` on a free loopback port and returns its base URL.
    static func start(_ gen: Generator, id: String, limits: ServerLimits = ServerLimits()) async throws -> String {
        let server = OpenAIServer(generator: gen, modelID: id, limits: limits)
        let port = PortBox()
        Task { try await server.run(host: "127.0.0.1", port: 0) { port.set($0) } }
        for _ in 0..<200 where port.get() == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        let p = try #require(port.get())
        return "http://127.0.0.1:\(p)"
    }

    static func post(_ url: String, _ body: String) async throws -> (Int, [String: Any]) {
        var req = URLRequest(url: URL(string: url)!)
        req.httpMethod = "POST"
        req.httpBody = Data(body.utf8)
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, status): (Data, Int) = try await withCheckedThrowingContinuation { cont in
            URLSession.shared.dataTask(with: req) { data, resp, error in
                if let error { cont.resume(throwing: error); return }
                cont.resume(returning: (data ?? Data(), (resp as? HTTPURLResponse)?.statusCode ?? 0))
            }.resume()
        }
        let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, obj)
    }

    @Test func badInputGets4xxAndServerStaysUp() async throws {
        let (_, inf) = try TinyGen.pair(qwen: true)
        let gen = Generator(model: inf, tokenizer: try TinyGen.tokenizer())
        var limits = ServerLimits()
        limits.maxPromptTokens = 20
        limits.maxBodyBytes = 4096
        let base = try await Self.start(gen, id: "tiny", limits: limits)
        let chat = base + "/v1/chat/completions", completions = base + "/v1/completions"
        let cases: [(String, String, Int, String)] = [
            (chat, "{not json", 400, "invalid_json"),
            (chat, #"{"model": "nope", "messages": [{"role": "user", "content": "hi"}]}"#, 404, "model_not_found"),
            (completions, #"{"model": "tiny", "prompt": "\#(String(repeating: "abc ", count: 40))"}"#, 400, "context_length_exceeded"),
            (chat, #"{"model": "tiny", "messages": []}"#, 400, "invalid_messages"),
            (completions, #"{"model": "tiny", "prompt": "ab", "temperature": -2}"#, 400, "invalid_sampling"),
            (completions, #"{"model": "tiny", "prompt": "\#(String(repeating: "a", count: 5000))"}"#, 413, "body_too_large"),
        ]
        for (url, body, status, code) in cases {
            let (s, obj) = try await Self.post(url, body)
            #expect(s == status, "\(body.prefix(40)) → \(s)")
            #expect((obj["error"] as? [String: Any])?["code"] as? String == code)
        }
        // Still serving: a valid completion after the errors.
        let (s, obj) = try await Self.post(completions, #"{"model": "tiny", "prompt": "ab", "max_tokens": 3, "temperature": 0}"#)
        #expect(s == 200)
        let choice = (obj["choices"] as? [[String: Any]])?.first
        #expect(choice?["text"] is String)
        #expect((obj["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0 > 0)
    }

    @Test func openAIPythonClient() async throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import openai"]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else { print("SKIP: python3 package openai is not installed (scripts/setup.sh installs it)"); return }
        guard let gen = try RealModels.generator("smollm2") else { return }
        let base = try await Self.start(gen, id: "smollm2")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tests/openai_client.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, base + "/v1", "smollm2"]
        var env = ProcessInfo.processInfo.environment
        env["NO_PROXY"] = "127.0.0.1,localhost"
        env["no_proxy"] = "127.0.0.1,localhost"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        print(text)
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("OPENAI-CLIENT OK"))
    }
}

final class PortBox: @unchecked Sendable {
    let lock = NSLock()
    var port: Int?
    func set(_ p: Int) { lock.lock(); port = p; lock.unlock() }
    func get() -> Int? { lock.lock(); defer { lock.unlock() }; return port }
}

/// An abandoned request stops generating and frees the model for the next one.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ModelQueueCancellationTests {
    static func queue() throws -> ModelQueue {
        let (_, inf) = try TinyGen.pair(qwen: true)
        return ModelQueue(generator: Generator(model: inf, tokenizer: try TinyGen.tokenizer()), maxQueued: 4)
    }

    @Test func streamConsumerLeavingStopsTheBody() async throws {
        let q = try Self.queue()
        let stopped = StopFlag()
        let (events, cancel) = try q.stream { _, emit, shouldStop in
            while !shouldStop() { emit("x"); usleep(2_000) }  // a generation that would never end
            stopped.set()
            throw CancellationError()
        }
        for try await _ in events { break }  // the client reads one piece and disconnects
        cancel()  // what the SSE writer does on its way out
        let t0 = Date()
        let next = try await q.run { _, _ in 42 }  // waits for the abandoned stream to give up the model
        #expect(next == 42 && stopped.isSet)
        #expect(Date().timeIntervalSince(t0) < 10)
    }

    @Test func cancelledRunStopsTheBody() async throws {
        let q = try Self.queue()
        let task = Task { try await q.run { _, shouldStop -> Int in
            while !shouldStop() { usleep(2_000) }
            throw CancellationError()
        } }
        try await Task.sleep(nanoseconds: 50_000_000)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await q.run { _, _ in 7 } == 7)
    }

    @Test func generatorHonoursShouldStop() throws {
        let q = try Self.queue()
        var calls = 0
        #expect(throws: CancellationError.self) {
            _ = try q.generator.generate(prompts: [[1, 2, 3]], params: .greedy(maxTokens: 50), shouldStop: { calls += 1; return calls > 3 })
        }
        #expect(calls == 4)
    }
}
