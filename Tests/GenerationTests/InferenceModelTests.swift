// InferenceModel vs the training LlamaModel on tiny random configs, and the Generator/Sampler contracts (no downloads).
import Foundation
@testable import LM
@testable import ModelIO
import Tensor
import Testing

enum TinyGen {
    static func config(qwen: Bool) -> LlamaConfig {
        LlamaConfig(modelType: qwen ? "qwen2" : "llama", hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
                    numKeyValueHeads: 2, intermediateSize: 48, vocabSize: 50, ropeTheta: 10000, rmsNormEps: 1e-5,
                    tieWordEmbeddings: !qwen, attentionBias: qwen)
    }

    /// A random training model and its inference twin sharing the same F32 weights.
    /// `adjacent`: store Q/K rows permuted and rotate adjacent pairs, as a GGUF `llama` file is decoded.
    static func pair(qwen: Bool, seed: UInt64 = 3, adjacent: Bool = false) throws -> (LlamaModel, InferenceModel) {
        var rng = SeededRNG(seed: seed)
        let m = try LlamaModel(config: config(qwen: qwen), rng: &rng)
        if qwen {  // non-zero biases so the bias path is exercised
            for (n, t) in m.parameters() where n.hasSuffix(".bias") { for i in 0..<t.count { t.data[i] = Float(i % 5) * 0.05 - 0.1 } }
        }
        var weights: [String: (shape: [Int], values: [Float])] = [:]
        for (n, t) in m.parameters() where !n.hasPrefix("value_head") {
            let c = n.hasPrefix("model.") ? String(n.dropFirst(6)) : n
            var v = Array(UnsafeBufferPointer(start: t.data, count: t.count))
            if adjacent, c.hasSuffix("q_proj.weight") || c.hasSuffix("k_proj.weight") {
                v = permuteQK(v, rows: t.shape[0], columns: t.shape[1], heads: c.contains("q_proj") ? 4 : 2)
            }
            weights[c] = (t.shape, v)
        }
        let src = InferenceModel.WeightSource(
            matrix: { name, r, c in
                try QuantizedMatrix(type: .f32, rows: r, columns: c, blocks: weights[name]!.values.withUnsafeBytes { Array($0) })
            },
            vector: { name, _ in weights[name]!.values }, has: { weights[$0] != nil })
        let inf = try InferenceModel.build(config: config(qwen: qwen), architecture: qwen ? "qwen2" : "llama",
                                           ropeAdjacent: adjacent, source: src, owner: NSObject())
        return (m, inf)
    }

    /// A byte-level tokenizer over a 50-token toy vocabulary is not needed: Generator tests use token ids
    /// and a GGUF-free tokenizer from a tiny tokenizer.json.
    static func tokenizer() throws -> Tokenizer {
        var vocab: [String: Int] = [:]
        let chars = Array("abcdefghijklmnopqrstuvwxyz .,!?ABCDEFGHIJKLMNOP")
        for (i, ch) in chars.enumerated() where i < 48 { vocab[ch == " " ? "Ġ" : String(ch)] = i }
        let json: [String: Any] = [
            "model": ["type": "BPE", "vocab": vocab, "merges": [String]()],
            "added_tokens": [["id": 48, "content": "<|im_end|>", "special": true], ["id": 49, "content": "<|endoftext|>", "special": true]],
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false],
        ]
        return try Tokenizer(tokenizerJSONData: JSONSerialization.data(withJSONObject: json))
    }
}

@Suite struct InferenceModelTests {
    /// Prefill in one call, then the same sequence token by token: the largest logit difference of
    /// either from the training model's full forward.
    func maxDiffFromTrainingModel(qwen: Bool, tokens: [Int32]) throws -> Float {
        let (m, inf) = try TinyGen.pair(qwen: qwen)
        let reference = try withNoGrad { try m.logits(hidden: m.hiddenStates(tokens: tokens, batch: 1)) }
        let cache = inf.makeCache(sequences: 2, capacity: tokens.count + 1)
        cache.halfPrecision = false  // exact keys and values, as the training model has
        let all = try inf.forward(tokens: tokens, sequence: 0, cache: cache)
        var stepwise: [Float] = []
        for t in tokens { stepwise += try inf.forward(tokens: [t], sequence: 1, cache: cache) }
        var maxDiff: Float = 0
        for i in 0..<reference.count {
            maxDiff = max(maxDiff, abs(all[i] - reference.data[i]), abs(stepwise[i] - reference.data[i]))
        }
        return maxDiff
    }

    @Test(arguments: [false, true])
    func logitsMatchTrainingModel(qwen: Bool) throws {
        let maxDiff = try maxDiffFromTrainingModel(qwen: qwen, tokens: [3, 17, 42, 8, 8, 29, 1, 44, 12])
        #expect(maxDiff < 1e-4, "max |Δlogit| = \(maxDiff)")
    }

    /// A prompt longer than `gemmMinRows` and `prefillRows` takes the dequantize + sgemm route in
    /// chunks (projections and attention); its logits still equal the training model's.
    @Test func longPrefillThroughSgemmMatches() throws {
        let tokens: [Int32] = (0..<(InferenceModel.prefillRows + 40)).map { Int32(($0 * 37 + 11) % 50) }
        #expect(tokens.count > InferenceModel.prefillRows && InferenceModel.prefillRows > QuantizedMatrix.gemmMinRows)
        let maxDiff = try maxDiffFromTrainingModel(qwen: true, tokens: tokens)
        #expect(maxDiff < 1e-3, "max |Δlogit| = \(maxDiff)")
    }

    /// On a real block format the sgemm route equals a Float64 product of the dequantized weights and
    /// the activations rounded to the kernels' grid, and so agrees with the quantized kernels.
    @Test func sgemmProductEqualsDequantizedReference() throws {
        let rows = 40, columns = 64, batch = QuantizedMatrix.gemmMinRows + 4
        var blocks: [UInt8] = []
        var state: UInt32 = 7
        func next() -> UInt8 { state = state &* 1_664_525 &+ 1_013_904_223; return UInt8(truncatingIfNeeded: state >> 24) }
        for _ in 0..<(rows * columns / 32) {  // Q8_0: an f16 scale, then 32 signed bytes
            let scale = Float16(Float(next() % 16 + 1) / 256)
            withUnsafeBytes(of: scale.bitPattern.littleEndian) { blocks += $0 }
            for _ in 0..<32 { blocks.append(next()) }
        }
        let w = try QuantizedMatrix(type: .q8_0, rows: rows, columns: columns, blocks: blocks)
        let x = (0..<(batch * columns)).map { Float(($0 * 13) % 17) * 0.1 - 0.8 }
        var y = [Float](repeating: 0, count: batch * rows), viaKernels = y
        var rounded = [Float](repeating: 0, count: batch * columns)
        var buffers: [String: UnsafeMutablePointer<Float>] = [:]
        defer { buffers.values.forEach { $0.deallocate() } }
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                w.product(xb.baseAddress!, batch: batch, into: yb.baseAddress!) { name, n in
                    let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
                    buffers[name]?.deallocate()
                    buffers[name] = p
                    return p
                }
            }
            viaKernels.withUnsafeMutableBufferPointer { w.matmul(xb.baseAddress!, batch: batch, into: $0.baseAddress!) }
            #expect(rounded.withUnsafeMutableBufferPointer { w.roundActivations(xb.baseAddress!, rows: batch, into: $0.baseAddress!) })
        }
        let wf = w.dequantized()
        var maxDiff = 0.0, maxKernelDiff = 0.0
        for b in 0..<batch {
            for r in 0..<rows {
                var ref = 0.0
                for c in 0..<columns { ref += Double(wf[r * columns + c]) * Double(rounded[b * columns + c]) }
                maxDiff = max(maxDiff, abs(ref - Double(y[b * rows + r])) / max(1, abs(ref)))
                maxKernelDiff = max(maxKernelDiff, abs(ref - Double(viaKernels[b * rows + r])) / max(1, abs(ref)))
            }
        }
        #expect(batch >= QuantizedMatrix.gemmMinRows)
        #expect(maxDiff < 1e-5, "sgemm route: max relative |Δ| = \(maxDiff)")
        #expect(maxKernelDiff < 1e-5, "kernels: max relative |Δ| = \(maxKernelDiff)")
    }

    @Test func adjacentRopeEqualsPermutedHalfSplit() throws {
        // GGUF llama weights are Q/K row-permuted; rotating adjacent pairs over them equals HF's half-split.
        let x: [Float] = (0..<16).map { Float($0) * 0.1 - 0.5 }
        var cs = [Float](repeating: 0, count: 8)
        for j in 0..<4 { cs[j] = cos(0.3 * Float(j + 1)); cs[4 + j] = sin(0.3 * Float(j + 1)) }
        var half = x, adj = permuteQK(x, rows: 16, columns: 1, heads: 2)
        half.withUnsafeMutableBufferPointer { ropeForward($0.baseAddress!, cs, heads: 2, D: 8, adjacent: false) }
        adj.withUnsafeMutableBufferPointer { ropeForward($0.baseAddress!, cs, heads: 2, D: 8, adjacent: true) }
        let back = unpermuteQK(adj, rows: 16, columns: 1, heads: 2)
        for i in 0..<16 { #expect(abs(back[i] - half[i]) < 1e-6) }
    }

    @Test func rejectsBadRows() throws {
        let (_, inf) = try TinyGen.pair(qwen: false)
        let cache = inf.makeCache(sequences: 1, capacity: 4)
        #expect(throws: LMError.self) { try inf.forward(rows: [.init(sequence: 0, position: 1, token: 1)], logitsFor: [0], cache: cache) }
        #expect(throws: LMError.self) { try inf.forward(rows: [.init(sequence: 0, position: 0, token: 999)], logitsFor: [0], cache: cache) }
        #expect(throws: LMError.self) { try inf.forward(tokens: [1, 2, 3, 4, 5], sequence: 0, cache: cache) }
    }
}

@Suite struct GeneratorTests {
    func generator() throws -> Generator {
        let (_, inf) = try TinyGen.pair(qwen: true)
        return Generator(model: inf, tokenizer: try TinyGen.tokenizer())
    }

    @Test func batchedEqualsOneByOne() throws {
        let gen = try generator()
        gen.stopTokens = []
        let prompts: [[Int32]] = [[1, 2, 3], [7], [4, 4, 9, 10, 11, 12, 13]]
        let params = SamplingParams(temperature: 0.9, topP: 0.9, topK: 20, repetitionPenalty: 1.1, maxTokens: 12, seed: 42)
        let batched = try gen.generate(prompts: prompts, params: params)
        for (i, p) in prompts.enumerated() {
            var solo = params
            solo.seed = params.seed + UInt64(i)  // sequence i uses stream seed + i
            let one = try gen.generate(prompts: [p], params: solo)[0]
            #expect(one.tokens == batched[i].tokens)
            #expect(one.logprobs == batched[i].logprobs)
        }
        #expect(batched.allSatisfy { $0.tokens.count == 12 && $0.finishReason == .length })
        #expect(batched.allSatisfy { $0.logprobs.allSatisfy { $0 <= 0 && $0.isFinite } })
        // Same seed, same output.
        #expect(try gen.generate(prompts: prompts, params: params).map(\.tokens) == batched.map(\.tokens))
    }

    @Test func greedyLogprobsAreLogSoftmaxOfArgmax() throws {
        let gen = try generator()
        let out = try gen.generate(prompts: [[5, 6]], params: .greedy(maxTokens: 1))[0]
        let cache = gen.model.makeCache(sequences: 1, capacity: 4)
        let l = try gen.model.forward(tokens: [5, 6], sequence: 0, cache: cache)
        let last = Array(l[(l.count - gen.model.vocabSize)...])
        let best = last.indices.max { last[$0] < last[$1] }!
        let lse = log(last.map { exp($0 - last[best]) }.reduce(0, +)) + last[best]
        #expect(out.tokens == [Int32(best)])
        #expect(abs(out.logprobs[0] - (last[best] - lse)) < 1e-4)
    }

    @Test func stopTokensAndStopStrings() throws {
        let gen = try generator()
        let free = try gen.generate(prompts: [[1, 2]], params: .greedy(maxTokens: 10))[0]
        if let first = free.tokens.first {
            gen.stopTokens = [first]
            let stopped = try gen.generate(prompts: [[1, 2]], params: .greedy(maxTokens: 10))[0]
            #expect(stopped.tokens == [first] && stopped.finishReason == .stop && stopped.text.isEmpty)
            gen.stopTokens = []
        }
        let text = try gen.generate(prompts: [[1, 2]], params: .greedy(maxTokens: 10))[0].text
        if text.count >= 3 {
            let stopAt = String(Array(text)[1...2])
            var p = SamplingParams.greedy(maxTokens: 10)
            p.stop = [stopAt]
            var streamed = ""
            let r = try gen.generate(prompts: [[1, 2]], params: p) { _, s in streamed += s }[0]
            #expect(r.finishReason == .stop)
            #expect(!r.text.contains(stopAt) && text.hasPrefix(r.text))
            #expect(streamed == r.text)
        }
    }

    /// The quantized decoder honours the structural stop rule as the F32 path does: with every token
    /// spelling `<letters>\n```\n`, the second token closes the first code block.
    @Test func stopRuleEndsAtTheFirstCodeBlock() throws {
        var vocab: [String: Int] = [:]
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for i in 0..<48 { vocab[ByteLevel.encode(Array((String(letters[i % 26]) + String(letters[i / 26]) + "\n```\n").utf8))] = i }
        let json: [String: Any] = [
            "model": ["type": "BPE", "vocab": vocab, "merges": [String]()],
            "added_tokens": [["id": 48, "content": "<|im_end|>", "special": true], ["id": 49, "content": "<|endoftext|>", "special": true]],
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false],
        ]
        let (_, inf) = try TinyGen.pair(qwen: true)
        let gen = Generator(model: inf, tokenizer: try Tokenizer(tokenizerJSONData: JSONSerialization.data(withJSONObject: json)))
        gen.stopTokens = []
        let params = SamplingParams(temperature: 1, maxTokens: 10, seed: 5)
        let prompts: [[Int32]] = [[1, 2], [3]]
        let ruled = try gen.generate(prompts: prompts, params: params, stopRule: .endOfFirstCodeBlock)
        let plain = try gen.generate(prompts: prompts, params: params)
        for (r, p) in zip(ruled, plain) {
            guard r.tokens.allSatisfy({ $0 < 48 }), p.tokens.allSatisfy({ $0 < 48 }) else { continue }
            #expect(r.tokens.count == 2 && r.finishReason == .stop, "\(r.tokens)")
            #expect(p.tokens.count == 10 && p.finishReason == .length)
            #expect(Array(p.tokens.prefix(2)) == r.tokens)  // the rule cuts, it does not change the draws
            #expect(r.text.hasSuffix("```\n") && p.text.hasPrefix(r.text))
        }
    }

    @Test func samplingParamsValidation() {
        #expect(throws: LMError.self) { try SamplingParams(temperature: -1).validate() }
        #expect(throws: LMError.self) { try SamplingParams(topP: 0).validate() }
        #expect(throws: LMError.self) { try SamplingParams(repetitionPenalty: 0).validate() }
        #expect(throws: (any Error).self) { _ = try generator().generate(prompts: [[]], params: .greedy()) }
    }
}
