// Generator: batched autoregressive generation with per-token log-probs, stop handling and streaming text.
import Foundation
import ModelIO

/// Why a sequence ended (OpenAI's `finish_reason` values).
public enum FinishReason: String, Codable, Sendable {
    /// An end-of-turn token or a stop string.
    case stop
    /// `maxTokens` reached, or the context is full.
    case length
}

/// One generated continuation.
public struct GenerationResult: Sendable {
    /// Sampled token ids, including a final end-of-turn token when one stopped the sequence.
    public var tokens: [Int32]
    /// log p(token) under the model (raw logits, before penalties/temperature), one per token.
    public var logprobs: [Float]
    /// Decoded text, without end-of-turn tokens and cut before any stop string.
    public var text: String
    public var finishReason: FinishReason
    public var promptTokens: Int
    /// log p(token) under the distribution it was drawn from, softmax(logits / T) before top-k/top-p
    /// (``Sampler/sample(_:seen:)``'s `drawn`). Filled by the batched F32 path
    /// (`LlamaModel.generate`), where
    /// RL reads it as the behaviour log-prob; empty from the quantized decoder.
    public var drawnLogprobs: [Float] = []
    /// The critic's value at the position that predicted each token, when the batched F32 path was
    /// asked for them (PPO's old values, without a second forward pass); otherwise empty.
    public var values: [Float] = []
}

/// Runs prompts through an ``InferenceModel`` and samples continuations.
///
/// Prompts of different lengths run as one batch: each sequence has its own cache row and
/// positions, prefill is per sequence, and every decode step feeds one token of each live
/// sequence through a single batched matmul per weight.
///
/// ```swift
/// let gen = try Generator.load(path: "model.gguf")
/// let prompt = gen.tokenizer.encode(gen.chat.render([("user", "What is the capital of France?")]))
/// let out = try gen.generate(prompts: [prompt.map(Int32.init)], params: .greedy(maxTokens: 32))
/// print(out[0].text, out[0].logprobs)
/// ```
public final class Generator: @unchecked Sendable {
    public let model: InferenceModel
    public let tokenizer: Tokenizer
    /// The model's chat formatting.
    public let chat: ChatPrompt
    /// Tokens that end a sequence (EOS and the chat end-of-turn markers).
    public var stopTokens: Set<Int32>

    public init(model: InferenceModel, tokenizer: Tokenizer, chat: ChatPrompt = .chatml) {
        self.model = model
        self.tokenizer = tokenizer
        self.chat = chat
        var stops = Set<Int32>()
        if let e = tokenizer.eosID { stops.insert(Int32(e)) }
        for s in ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "</s>"] { if let id = tokenizer.id(of: s) { stops.insert(Int32(id)) } }
        stopTokens = stops
    }

    /// Model, tokenizer and chat format from a GGUF file or an HF directory, with a training checkpoint
    /// (`adapter`: LoRA tensors, or full weights) applied on top when given.
    public static func load(path: String, adapter: String?) throws -> Generator {
        let base = try load(path: path)
        guard let adapter else { return base }
        return Generator(model: try base.model.adapted(checkpoint: adapter), tokenizer: base.tokenizer, chat: base.chat)
    }

    /// Model, tokenizer and chat format from a GGUF file, or an HF directory (`tokenizer.json` beside the weights).
    public static func load(path: String) throws -> Generator {
        if isGGUF(path) {
            let g = try GGUFFile(path: path)
            let model = try InferenceModel.load(gguf: g)
            return Generator(model: model, tokenizer: try Tokenizer(gguf: g),
                             chat: ChatPrompt.detect(g.metadata["tokenizer.chat_template"]?.asString))
        }
        let model = try InferenceModel.load(path: path)
        let dir = (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeDirectory
            ? path : (path as NSString).deletingLastPathComponent
        let tokPath = dir + "/tokenizer.json"
        var template: String?
        if let d = FileManager.default.contents(atPath: dir + "/tokenizer_config.json"),
           let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] { template = o["chat_template"] as? String }
        return Generator(model: model, tokenizer: try Tokenizer(tokenizerJSON: tokPath), chat: ChatPrompt.detect(template))
    }

    /// Token ids of `text` (special tokens such as `<|im_start|>` parsed).
    public func encode(_ text: String) -> [Int32] { tokenizer.encode(text).map(Int32.init) }

    /// Generates one continuation per prompt.
    ///
    /// - Parameters:
    ///   - prompts: token ids per sequence (ragged lengths are fine).
    ///   - params: sampling settings; sequence i draws from the stream `params.seed + i`.
    ///   - onText: called with (sequence index, new text) as complete UTF-8 text becomes available,
    ///     holding back text that could still turn into a stop string.
    ///   - shouldStop: polled before each prompt's prefill and each decode step; when it returns
    ///     true generation ends by throwing `CancellationError` (a server's client went away).
    ///   - stopRule: a structural stop (the end of the first code block), checked on each token's text.
    ///   - answerPrefix: answer text the prompts already end with (an opened fence), read by the rule first.
    /// - Returns: results in prompt order.
    public func generate(prompts: [[Int32]], params: SamplingParams,
                         onText: ((Int, String) -> Void)? = nil, shouldStop: (() -> Bool)? = nil,
                         stopRule: StopRule? = nil, answerPrefix: String = "") throws -> [GenerationResult] {
        try params.validate()
        var results: [GenerationResult] = []
        var start = 0
        while start < prompts.count {  // groups of maxRows sequences share one cache
            let group = Array(prompts[start..<min(prompts.count, start + InferenceModel.maxRows)])
            let off = start
            results += try generateGroup(group, params: params, streamOffset: off,
                                         onText: onText.map { f in { f($0 + off, $1) } }, shouldStop: shouldStop, stopRule: stopRule,
                                         answerPrefix: answerPrefix)
            start += group.count
        }
        return results
    }

    func generateGroup(_ prompts: [[Int32]], params: SamplingParams, streamOffset: Int,
                       onText: ((Int, String) -> Void)?, shouldStop: (() -> Bool)? = nil,
                       stopRule: StopRule? = nil, answerPrefix: String = "") throws -> [GenerationResult] {
        let N = prompts.count, V = model.vocabSize
        let limit = model.config.maxPositionEmbeddings
        for (i, p) in prompts.enumerated() {
            guard !p.isEmpty else { throw LMError.invalidConfig(field: "prompts", reason: "prompt \(i) is empty") }
            guard p.count < limit else { throw LMError.invalidConfig(field: "prompts", reason: "prompt \(i) has \(p.count) tokens; the context is \(limit)") }
        }
        let capacity = min(limit, prompts.map(\.count).max()! + params.maxTokens + 1)
        let cache = model.makeCache(sequences: N, capacity: capacity)
        var seqs = (0..<N).map { SequenceState(prompt: prompts[$0], params: params, stream: streamOffset + $0, tokenizer: tokenizer,
                                             rule: stopRule?.makeState(after: answerPrefix)) }
        var logits = [Float](repeating: 0, count: N * V)
        for i in 0..<N {
            if shouldStop?() == true { throw CancellationError() }
            let l = try model.forward(tokens: prompts[i], sequence: i, cache: cache, lastOnly: true)
            logits.replaceSubrange(i * V..<(i + 1) * V, with: l)
            if params.maxTokens == 0 { seqs[i].finish = .length }
        }
        var live = (0..<N).filter { seqs[$0].finish == nil }
        while !live.isEmpty {
            var rows: [InferenceModel.Row] = []
            for (j, i) in live.enumerated() {
                let picked = logits.withUnsafeMutableBufferPointer { b in
                    seqs[i].sampler.sample(UnsafeMutableBufferPointer(rebasing: b[j * V..<(j + 1) * V]), seen: seqs[i].seen)
                }
                seqs[i].accept(picked.token, picked.logprob, stopTokens: stopTokens, capacityLeft: cache.capacity - cache.length[i] - 1)
                if let f = onText, !seqs[i].pendingText.isEmpty { f(i, seqs[i].pendingText) }
                seqs[i].pendingText = ""
                if seqs[i].finish == nil { rows.append(.init(sequence: i, position: cache.length[i], token: picked.token)) }
            }
            live = rows.map(\.sequence)
            if rows.isEmpty { break }
            if shouldStop?() == true { throw CancellationError() }
            logits = try model.forward(rows: rows, logitsFor: Array(0..<rows.count), cache: cache)
        }
        return seqs.map { s in
            GenerationResult(tokens: s.tokens, logprobs: s.logprobs, text: s.text, finishReason: s.finish ?? .length,
                             promptTokens: s.promptCount)
        }
    }
}

/// One sequence's progress: sampled tokens, decoded text, stop-string scanning.
struct SequenceState {
    var sampler: Sampler
    var decoder: StreamingDecoder
    var seen: Set<Int32>
    let promptCount: Int
    let params: SamplingParams
    var tokens: [Int32] = []
    var logprobs: [Float] = []
    var text = ""
    /// Characters of `text` already handed to the streaming callback.
    var emitted = 0
    var pendingText = ""
    var finish: FinishReason?
    /// The structural stop rule's scanner, fed each decoded piece of text.
    var rule: StopRuleState?

    init(prompt: [Int32], params: SamplingParams, stream: Int, tokenizer: Tokenizer, rule: StopRuleState? = nil) {
        self.rule = rule
        sampler = Sampler(params: params, stream: stream)
        decoder = StreamingDecoder(tokenizer: tokenizer, skipSpecial: true)
        seen = params.repetitionPenalty != 1 ? Set(prompt) : []
        promptCount = prompt.count
        self.params = params
    }

    mutating func accept(_ t: Int32, _ lp: Float, stopTokens: Set<Int32>, capacityLeft: Int) {
        tokens.append(t)
        logprobs.append(lp)
        if params.repetitionPenalty != 1 { seen.insert(t) }
        if stopTokens.contains(t) {
            text += decoder.finish()
            finish = .stop
        } else {
            let piece = decoder.push(Int(t))
            text += piece
            if var r = rule {
                if r.feed(Array(piece.utf8)) { finish = .stop }
                rule = r
            }
            if finish == nil, tokens.count >= params.maxTokens || capacityLeft <= 0 {
                text += decoder.finish()
                finish = .length
            }
        }
        if let cut = params.stop.compactMap({ s in s.isEmpty ? nil : text.range(of: s)?.lowerBound }).min() {
            text = String(text[..<cut])
            finish = .stop
        }
        // Stream what can no longer become part of a stop string.
        var hold = 0
        if finish == nil {
            for s in params.stop where !s.isEmpty {
                for n in stride(from: min(s.count - 1, text.count), to: 0, by: -1) where text.hasSuffix(s.prefix(n)) {
                    hold = max(hold, n)
                    break
                }
            }
        }
        let upTo = max(emitted, text.count - hold)
        if upTo > emitted {
            let a = text.index(text.startIndex, offsetBy: emitted), b = text.index(text.startIndex, offsetBy: upTo)
            pendingText = String(text[a..<b])
            emitted = upTo
        }
    }
}
