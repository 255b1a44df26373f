// OpenAISampleGenerator: answers from any OpenAI-compatible chat endpoint, for `--model label=openai:URL`.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LM

/// Samples through `POST {baseURL}/chat/completions` (llama.cpp's server, llama-cpp-python's, vLLM,
/// `srcode serve`, a hosted API), one user turn per prompt, judged exactly like the built-in engines.
///
/// Why: a model this engine cannot load (a 7B trained on a cluster and served by vLLM) is evaluated
/// with the same benchmarks, judges and statistics; and the evaluation-speed anchor ("the same
/// generations through llama-cpp-python, plus the same scoring") is this class pointed at
/// llama-cpp-python's server. Sample `i` of a batch sends `seed = params.seed + firstStream + i`, so a
/// server that honours `seed` reproduces a run. The endpoint cannot continue a pre-filled answer or
/// stop at a structural rule, so benchmarks that need either (HumanEval's opened fence) reject it.
public final class OpenAISampleGenerator: SampleGenerator {
    /// The API root, e.g. `http://127.0.0.1:8000/v1`.
    public let baseURL: URL
    /// The `model` field of each request; `nil`: the first model the endpoint lists at `GET /models`.
    public private(set) var model: String?
    public var params: SamplingParams
    /// Requests in flight at once.
    public var concurrency: Int
    /// Seconds one answer may take. A session of its own carries it: on Linux the shared session's
    /// 60 s request timeout wins over a request's own, and a CPU server decoding 512 tokens beside
    /// other work can take longer than that.
    public let timeout: TimeInterval
    let session: URLSession

    public init(baseURL: URL, model: String?, params: SamplingParams, concurrency: Int = 4, timeout: TimeInterval = 1800) {
        self.baseURL = baseURL
        self.model = model
        self.params = params
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        let configuration = URLSessionConfiguration.default
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = self.concurrency
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// `openai:URL[#model]` → the endpoint and the model name (`nil` when none is given).
    public static func parse(spec: String) -> (url: URL, model: String?)? {
        guard spec.hasPrefix("openai:") else { return nil }
        let rest = spec.dropFirst("openai:".count)
        let parts = rest.split(separator: "#", maxSplits: 1).map(String.init)
        guard let first = parts.first, let url = URL(string: first), url.scheme == "http" || url.scheme == "https" else { return nil }
        return (url, parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil)
    }

    /// The first model id of `GET {baseURL}/models`, or "default" when the endpoint lists none.
    func listedModel() throws -> String {
        try perform([URLRequest(url: baseURL.appendingPathComponent("models"), timeoutInterval: 60)]) { data, _, error, url in
            if let error { throw EvalError.invalid("\(url): \(error.localizedDescription)") }
            let object = (try? JSONSerialization.jsonObject(with: data ?? Data())) as? [String: Any]
            return ((object?["data"] as? [[String: Any]])?.first?["id"] as? String) ?? "default"
        }[0].get()
    }

    public func generate(prompts: [String], firstStream: Int) throws -> [GeneratedText] {
        if model == nil { model = try listedModel() }
        let requests = try prompts.enumerated().map { i, prompt in
            try makeRequest(prompt: prompt, seed: params.seed &+ UInt64(firstStream + i))
        }
        return try perform(requests, Self.decode).map { try $0.get() }
    }

    /// Sends `requests`, at most ``concurrency`` in flight, waits for all of them, and returns each
    /// answer decoded, in request order.
    func perform<T>(_ requests: [URLRequest], _ decode: @escaping (Data?, URLResponse?, Error?, URL) throws -> T) -> [Result<T, Error>] {
        let results = ResultBox<T>(count: requests.count)
        let gate = DispatchSemaphore(value: concurrency), group = DispatchGroup()
        for (i, request) in requests.enumerated() {
            gate.wait()
            group.enter()
            session.dataTask(with: request) { data, response, error in
                defer { gate.signal(); group.leave() }
                results.set(i, Result { try decode(data, response, error, request.url!) })
            }.resume()
        }
        group.wait()
        return results.values.map { $0! }
    }

    func makeRequest(prompt: String, seed: UInt64) throws -> URLRequest {
        var r = URLRequest(url: baseURL.appendingPathComponent("chat/completions"), timeoutInterval: timeout)
        r.httpMethod = "POST"
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = ProcessInfo.processInfo.environment["OPENAI_API_KEY"] { r.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let body: [String: Any] = [
            "model": model ?? "default", "messages": [["role": "user", "content": prompt]],
            "temperature": params.temperature, "top_p": params.topP, "max_tokens": params.maxTokens,
            "seed": Int(truncatingIfNeeded: seed), "stream": false,
        ]
        r.httpBody = try JSONSerialization.data(withJSONObject: body)
        return r
    }

    static func decode(data: Data?, response: URLResponse?, error: Error?, url: URL) throws -> GeneratedText {
        if let error { throw EvalError.invalid("\(url): \(error.localizedDescription)") }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let text = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard status == 200 else { throw EvalError.invalid("\(url): HTTP \(status): \(text.prefix(300))") }
        guard let object = (try? JSONSerialization.jsonObject(with: data ?? Data())) as? [String: Any],
              let choice = (object["choices"] as? [[String: Any]])?.first,
              let content = (choice["message"] as? [String: Any])?["content"] as? String else {
            throw EvalError.invalid("\(url): not a chat completion: \(text.prefix(300))")
        }
        let tokens = ((object["usage"] as? [String: Any])?["completion_tokens"] as? Int) ?? 0
        return GeneratedText(text: content, tokens: tokens, finishReason: choice["finish_reason"] as? String ?? "stop")
    }

    /// Results filled from URLSession's callback threads.
    final class ResultBox<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<T, Error>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<T, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
        var values: [Result<T, Error>?] { lock.lock(); defer { lock.unlock() }; return slots }
    }
}
