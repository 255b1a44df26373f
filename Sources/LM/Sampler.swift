// Sampling settings and the next-token sampler: repetition penalty, temperature, top-k, top-p, seeded draws.
import Foundation
import Tensor

/// How to turn next-token logits into tokens, and when to stop. Codable so trainer and server
/// configs can carry it (snake_case keys, as in OpenAI requests).
///
/// ```swift
/// var p = SamplingParams(temperature: 0.8, topP: 0.95, maxTokens: 128, seed: 7)
/// p.stop = ["\n\n"]
/// ```
public struct SamplingParams: Codable, Sendable, Equatable {
    /// 0 = greedy (argmax); otherwise logits are divided by it before top-k/top-p.
    public var temperature: Float
    /// Nucleus: keep the smallest set of tokens whose probability reaches `topP` (1 = off).
    public var topP: Float
    /// Keep the `topK` most likely tokens (0 = off).
    public var topK: Int
    /// HF/CTRL penalty on tokens already in the prompt or output: positive logits ÷ p, negative × p (1 = off).
    public var repetitionPenalty: Float
    /// Generated tokens per sequence, at most.
    public var maxTokens: Int
    /// Generation stops when the decoded output contains one of these; the text is cut before it.
    public var stop: [String]
    /// Seeds sequence i's random stream with `seed + i`: same seed, same tokens, batched or not.
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case temperature, stop, seed
        case topP = "top_p", topK = "top_k", repetitionPenalty = "repetition_penalty", maxTokens = "max_tokens"
    }

    public init(temperature: Float = 0.7, topP: Float = 1, topK: Int = 0, repetitionPenalty: Float = 1,
                maxTokens: Int = 256, stop: [String] = [], seed: UInt64 = 0) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.repetitionPenalty = repetitionPenalty
        self.maxTokens = maxTokens
        self.stop = stop
        self.seed = seed
    }

    /// Greedy decoding (temperature 0).
    public static func greedy(maxTokens: Int = 256) -> SamplingParams { SamplingParams(temperature: 0, maxTokens: maxTokens) }

    /// Rejects settings that would make sampling undefined.
    public func validate() throws {
        func bad(_ f: String, _ r: String) -> LMError { .invalidConfig(field: f, reason: r) }
        guard temperature >= 0, temperature.isFinite else { throw bad("temperature", "must be ≥ 0, got \(temperature)") }
        guard topP > 0, topP <= 1 else { throw bad("top_p", "must be in (0, 1], got \(topP)") }
        guard topK >= 0 else { throw bad("top_k", "must be ≥ 0, got \(topK)") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else { throw bad("repetition_penalty", "must be > 0, got \(repetitionPenalty)") }
        guard maxTokens >= 0 else { throw bad("max_tokens", "must be ≥ 0, got \(maxTokens)") }
    }
}

/// Draws tokens from logits. Holds one seeded stream per sequence and reusable index scratch.
public struct Sampler {
    public let params: SamplingParams
    var rng: SeededRNG
    var order: [Int32] = []

    public init(params: SamplingParams, stream: Int = 0) {
        self.params = params
        rng = SeededRNG(seed: params.seed &+ UInt64(stream))
    }

    /// Picks the next token from `logits` (V), given the tokens seen so far (for the repetition penalty).
    /// Returns the token, its log-probability under the *unmodified* model distribution (log-softmax of
    /// the raw logits, what the OpenAI API reports), and `drawn`: its log-probability under the
    /// distribution it was drawn from before top-k/top-p, log-softmax(logits / T) after any repetition
    /// penalty (= `logprob` at T 0). With no penalty, `drawn` is exactly what PPO scores at the
    /// sampling temperature, so RL reuses it as the behaviour log-prob instead of a second forward pass.
    public mutating func sample(_ logits: UnsafeMutableBufferPointer<Float>, seen: Set<Int32>)
        -> (token: Int32, logprob: Float, drawn: Float) {
        let V = logits.count
        var mx = -Float.infinity
        for v in 0..<V { mx = max(mx, logits[v]) }
        var z: Float = 0
        for v in 0..<V { z += exp(logits[v] - mx) }
        let logZ = mx + log(z)
        func rawLogprob(_ t: Int32, _ raw: Float) -> Float { raw - logZ }

        let p = params
        var rawOf: [Int32: Float] = [:]
        if p.repetitionPenalty != 1 {
            for t in seen where Int(t) < V {
                rawOf[t] = logits[Int(t)]
                let l = logits[Int(t)]
                logits[Int(t)] = l > 0 ? l / p.repetitionPenalty : l * p.repetitionPenalty
            }
        }
        func raw(_ t: Int32) -> Float { rawOf[t] ?? logits[Int(t)] }
        if p.temperature == 0 {
            var best = 0
            for v in 1..<V where logits[v] > logits[best] { best = v }
            let lp = rawLogprob(Int32(best), raw(Int32(best)))
            return (Int32(best), lp, lp)
        }
        // Candidates: tokens within 30/T nats of the best (the rest carry < e⁻³⁰ relative mass and cannot
        // change top-k/top-p choices in float precision). Keeps decode from sorting all of V.
        var best: Float = -.infinity
        for v in 0..<V { best = max(best, logits[v]) }
        let floor = best - 30 * p.temperature
        order.removeAll(keepingCapacity: true)
        for v in 0..<V where logits[v] >= floor { order.append(Int32(v)) }
        // Only top-k and top-p need the candidates ranked by logit. Without them the draw walks the
        // candidates in vocabulary order: the same distribution, without sorting the thousands of
        // candidates a flat distribution has (10% of an RL rollout's time at top-p 1, perf, 2026-12-07).
        if p.topK > 0 || p.topP < 1 { order.sort { logits[Int($0)] > logits[Int($1)] } }
        var cand = order[0..<(p.topK > 0 ? min(p.topK, order.count) : order.count)]
        let top = best, invT = 1 / p.temperature
        var probs = cand.map { exp((logits[Int($0)] - top) * invT) }
        var total = probs.reduce(0, +)
        // The tempered normalizer over every candidate, before top-k/top-p cut any: the tokens below the
        // floor add at most V·e⁻³⁰ ≈ 10⁻⁸ of it.
        var tempered = total
        for t in order.dropFirst(cand.count) { tempered += exp((logits[Int(t)] - top) * invT) }
        let logTempered = log(tempered)
        if p.topP < 1 {
            var acc: Float = 0, keep = probs.count
            for (i, q) in probs.enumerated() {
                acc += q / total
                if acc >= p.topP { keep = i + 1; break }
            }
            probs.removeSubrange(keep...)
            cand = cand.prefix(keep)
            total = probs.reduce(0, +)
        }
        let u = Float(Double(rng.next() >> 11) / Double(1 << 53)) * total
        var acc: Float = 0
        var pick = cand.last!
        for (i, t) in cand.enumerated() {
            acc += probs[i]
            if u < acc { pick = t; break }
        }
        return (pick, rawLogprob(pick, raw(pick)), (logits[Int(pick)] - top) * invT - logTempered)
    }
}
