// Batched sampling through the F32 model: left-padded prompts, one KV cache, BLAS matmuls over all rows.
import Foundation
import ModelIO
import Tensor

// Legend: B rows sampled together, L0 longest prompt, S cache capacity, C hidden, V vocab.

extension LlamaModel {
    /// Samples one continuation per prompt from this (trainable, possibly LoRA-adapted) model.
    ///
    /// Why a second generation path beside ``Generator``: the quantized decoder reads each weight
    /// once per *row* (its kernels gain nothing from batching), while here every step is one F32
    /// matmul over all B rows, so prefill and batched decode run at BLAS speed. RL rollouts and batch
    /// evaluation sample many sequences at once and use this; interactive chat and serving use the
    /// quantized decoder.
    ///
    /// Prompts are left-padded to the longest one; padded keys are masked out of attention and each
    /// row's RoPE positions start at 0 at its first real token, so a row computes exactly what it
    /// would alone. Sequence i draws from stream `params.seed + i`. Stop strings are not supported
    /// (stop tokens are, and a structural `stopRule`, which needs the `tokenizer` to see the bytes;
    /// `answerPrefix` is answer text the prompts end with, which the rule reads first).
    ///
    /// Each result carries `drawnLogprobs`, and with `values` the value head's output at the position
    /// that predicted each token: exactly what PPO's scoring pass would compute teacher-forced from the
    /// same weights (up to the GEMMs' summation order), so RL need not run that pass again.
    public func generate(prompts: [[Int32]], params: SamplingParams, stopTokens: Set<Int32>, tokenizer: Tokenizer? = nil,
                         batchSize: Int = 16, stopRule: StopRule? = nil, answerPrefix: String = "",
                         values: Bool = false) throws -> [GenerationResult] {
        try params.validate()
        var out: [GenerationResult] = []
        var start = 0
        while start < prompts.count {
            let chunk = Array(prompts[start..<min(prompts.count, start + max(batchSize, 1))])
            out += try generateChunk(chunk, params: params, stopTokens: stopTokens, tokenizer: tokenizer, streamOffset: start,
                                     stopRule: stopRule, answerPrefix: answerPrefix, values: values)
            start += chunk.count
        }
        return out
    }

    func generateChunk(_ prompts: [[Int32]], params: SamplingParams, stopTokens: Set<Int32>, tokenizer: Tokenizer?,
                       streamOffset: Int, stopRule: StopRule? = nil, answerPrefix: String = "",
                       values wantValues: Bool = false) throws -> [GenerationResult] {
        let B = prompts.count, V = config.vocabSize, C = config.hiddenSize
        guard let L0 = prompts.map(\.count).max(), prompts.allSatisfy({ !$0.isEmpty }) else {
            throw LMError.invalidConfig(field: "prompts", reason: "empty prompt")
        }
        let S = min(L0 + params.maxTokens, config.maxPositionEmbeddings)
        guard L0 < S else { throw LMError.invalidConfig(field: "prompts", reason: "prompt of \(L0) tokens fills the context") }
        let cache = KVCache(config: config, batch: B, capacity: S)
        var tokens = [Int32](repeating: 0, count: B * L0), positions = [Int32](repeating: 0, count: B * L0)
        for (b, p) in prompts.enumerated() {
            let pad = L0 - p.count
            for t in 0..<L0 {
                if t < pad { cache.keyMask[b * S + t] = 0 } else { tokens[b * L0 + t] = p[t - pad]; positions[b * L0 + t] = Int32(t - pad) }
            }
        }
        var samplers = (0..<B).map { Sampler(params: params, stream: streamOffset + $0) }
        var seen = prompts.map { params.repetitionPenalty != 1 ? Set($0) : [] }
        var results = prompts.map { GenerationResult(tokens: [], logprobs: [], text: "", finishReason: .length, promptTokens: $0.count) }
        var done = [Bool](repeating: params.maxTokens == 0, count: B)
        var ruleStates = (0..<B).map { _ in tokenizer == nil ? nil : stopRule?.makeState(after: answerPrefix) }

        /// Logits (n, V) of the given hidden rows (one per open sequence), and their values (n) if asked for.
        func logits(_ h: Tensor, rows: [Int]) throws -> (logits: [Float], values: [Float]) {
            let last = try Tensor(shape: [rows.count, C], values: rows.flatMap { r in Array(UnsafeBufferPointer(start: h.data + r * C, count: C)) })
            return try withNoGrad { (try linear(last, head).values, wantValues ? try self.values(hidden: last).values : []) }
        }
        var (l, v) = try logits(forwardInference(tokens: tokens, positions: positions, cache: cache), rows: (0..<B).map { $0 * L0 + L0 - 1 })
        // Cache row i holds sequence open[i]; finished sequences leave the cache (``KVCache/keepRows(_:)``),
        // so every step's GEMMs and LM head run over open rows only.
        var open = (0..<B).filter { !done[$0] }
        var step = 0
        while !open.isEmpty {
            // The rows draw in parallel: each has its own sampler and random stream, so the tokens do not
            // depend on the threads, and a draw makes several passes over V (152k for Qwen2.5) logits.
            var picks = [(token: Int32, logprob: Float, drawn: Float)](repeating: (0, 0, 0), count: open.count)
            l.withUnsafeMutableBufferPointer { p in
                samplers.withUnsafeMutableBufferPointer { sp in
                    picks.withUnsafeMutableBufferPointer { pk in
                        parallelFor(open.count) { range in
                            for i in range {
                                let b = open[i]
                                pk[i] = sp[b].sample(UnsafeMutableBufferPointer(rebasing: p[i * V..<(i + 1) * V]), seen: seen[b])
                            }
                        }
                    }
                }
            }
            for (i, b) in open.enumerated() {
                let picked = picks[i]
                results[b].tokens.append(picked.token)
                results[b].logprobs.append(picked.logprob)
                results[b].drawnLogprobs.append(picked.drawn)
                if wantValues { results[b].values.append(v[i]) }
                if params.repetitionPenalty != 1 { seen[b].insert(picked.token) }
                if stopTokens.contains(picked.token) {
                    done[b] = true
                    results[b].finishReason = .stop
                } else if let tokenizer, ruleStates[b]?.feed(tokenizer.decodeBytes([Int(picked.token)])) == true {
                    done[b] = true
                    results[b].finishReason = .stop
                } else if results[b].tokens.count >= params.maxTokens || prompts[b].count + results[b].tokens.count >= S {
                    done[b] = true
                }
            }
            step += 1
            let kept = open.indices.filter { !done[open[$0]] }
            guard !kept.isEmpty, cache.length < S else { break }
            if kept.count < open.count {
                cache.keepRows(kept)
                open = kept.map { open[$0] }
            }
            let next = open.map { results[$0].tokens.last! }
            let pos = open.map { Int32(prompts[$0].count + step - 1) }
            (l, v) = try logits(forwardInference(tokens: next, positions: pos, cache: cache), rows: Array(open.indices))
        }
        if let tokenizer {
            for b in 0..<B { results[b].text = tokenizer.decode(results[b].tokens.filter { !stopTokens.contains($0) }.map(Int.init), skipSpecial: true) }
        }
        return results
    }
}
