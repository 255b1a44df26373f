// Answers from an OpenAI-compatible endpoint (the fake server): order, seeds, tokens, errors.
import Foundation
import Testing
import LM
@testable import Evaluation
import Vul2SafeTesting

@Suite struct OpenAISampleGeneratorTests {
    @Test func parsesEndpointSpecs() {
        let p = OpenAISampleGenerator.parse(spec: "openai:http://127.0.0.1:8000/v1#qwen")
        #expect(p?.url.absoluteString == "http://127.0.0.1:8000/v1" && p?.model == "qwen")
        #expect(OpenAISampleGenerator.parse(spec: "openai:https://api.example.com/v1").map { $0.model == nil } == true)
        #expect(OpenAISampleGenerator.parse(spec: "openai:ftp://host/v1") == nil)
        #expect(OpenAISampleGenerator.parse(spec: "qwen2.5-coder-0.5b") == nil)
        #expect((try? ModelSpec(parsing: "llamacpp=openai:http://127.0.0.1:8000/v1"))?.spec == "openai:http://127.0.0.1:8000/v1")
    }

    /// Answers come back in prompt order whatever order the server finishes them in, each request
    /// carries the sample's own seed and the sampling settings, and usage gives the token count.
    @Test func answersInOrderWithPerSampleSeeds() async throws {
        let seen = Bodies()
        let server = try await FakeOpenAIServer { req in
            // No model named: the generator asks the endpoint which one it serves.
            if req.path.hasSuffix("/models") { return .garbage(#"{"object":"list","data":[{"id":"served-model"}]}"#) }
            seen.add(req.body)
            // The first prompt answers last.
            return req.messagesText.contains("first") ? .delayed(0.3, .reply("answer to first")) : .reply("answer to \(req.messagesText)")
        }
        defer { Task { try? await server.shutdown() } }
        let gen = OpenAISampleGenerator(baseURL: URL(string: server.baseURL)!, model: nil,
                                        params: SamplingParams(temperature: 0.2, topP: 0.95, maxTokens: 64, seed: 100), concurrency: 2)
        let out = try await offPool { try gen.generate(prompts: ["first", "second", "third"], firstStream: 10) }
        #expect(out.map(\.text) == ["answer to first", "answer to second", "answer to third"])
        #expect(out.allSatisfy { $0.tokens > 0 && $0.finishReason == "stop" })
        let bodies = seen.values.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(Set(bodies.compactMap { $0["seed"] as? Int }) == [110, 111, 112])
        #expect(bodies.allSatisfy { ($0["max_tokens"] as? Int) == 64 && ($0["model"] as? String) == "served-model" && ($0["temperature"] as? Double).map { abs($0 - 0.2) < 1e-6 } == true })
    }

    @Test func serverErrorsAreClearErrors() async throws {
        let server = try await FakeOpenAIServer { _ in .status(500, "model not loaded") }
        defer { Task { try? await server.shutdown() } }
        let gen = OpenAISampleGenerator(baseURL: URL(string: server.baseURL)!, model: "m", params: SamplingParams())
        await #expect {
            _ = try await offPool { try gen.generate(prompts: ["x"], firstStream: 0) }
        } throws: { error in
            "\(error)".contains("HTTP 500") && "\(error)".contains("model not loaded")
        }
    }
}

/// Runs the blocking `generate` on a plain thread: the fake server answers from Swift concurrency's
/// small pool, which two blocked tests would exhaust on a 2-core machine.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in Thread { c.resume(with: Result { try body() }) }.start() }
}

/// Request bodies seen by the fake server (its handler runs on NIO threads).
final class Bodies: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ b: String) { lock.lock(); list.append(b); lock.unlock() }
    var values: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
