// Model-level behaviour: config parsing, forward, accumulation, no-grad, determinism, LoRA, KV cache.
import Foundation
import Testing
@testable import LM
@testable import Tensor

@Suite struct ConfigTests {
    @Test func decodesHuggingFaceConfig() throws {
        let json = #"{"model_type":"qwen2","hidden_size":896,"num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,"intermediate_size":4864,"vocab_size":151936,"rope_theta":1000000.0,"rms_norm_eps":1e-06,"tie_word_embeddings":true,"max_position_embeddings":32768,"torch_dtype":"bfloat16"}"#
        let c = try JSONDecoder().decode(LlamaConfig.self, from: Data(json.utf8))
        #expect(c.qkvBias && c.tieWordEmbeddings && c.resolvedHeadDim == 64 && c.ropeTheta == 1_000_000)
        #expect(abs(Double(c.parameterCount) - 494e6) / 494e6 < 0.01)  // Qwen2.5-0.5B has ~494M parameters
        let smol = #"{"model_type":"llama","hidden_size":576,"num_hidden_layers":30,"num_attention_heads":9,"num_key_value_heads":3,"intermediate_size":1536,"vocab_size":49152,"tie_word_embeddings":true}"#
        let s = try JSONDecoder().decode(LlamaConfig.self, from: Data(smol.utf8))
        #expect(!s.qkvBias && abs(Double(s.parameterCount) - 134.5e6) / 134.5e6 < 0.01)
    }

    @Test(arguments: [
        (#"{"hidden_size":16,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10}"#, "num_hidden_layers"),
        (#"{"hidden_size":"big","num_hidden_layers":1,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10}"#, "hidden_size"),
        (#"{"hidden_size":16,"num_hidden_layers":1,"num_attention_heads":4,"num_key_value_heads":3,"intermediate_size":8,"vocab_size":10}"#, "num_key_value_heads"),
        (#"{"hidden_size":16,"num_hidden_layers":1,"num_attention_heads":4,"intermediate_size":-8,"vocab_size":10}"#, "intermediate_size"),
    ])
    func malformedConfigNamesField(json: String, field: String) {
        #expect {
            _ = try JSONDecoder().decode(LlamaConfig.self, from: Data(json.utf8))
        } throws: { error in
            guard case let LMError.invalidConfig(f, _) = error else { return false }
            return f == field
        }
    }
}

@Suite struct ModelTests {
    @Test(arguments: [false, true])
    func initialLossIsNearUniform(qwen: Bool) throws {
        let model = try Tiny.model(qwen: qwen, tied: !qwen)
        let b = Tiny.batch()
        let loss = try withNoGrad { try model.loss(tokens: b.tokens, targets: b.targets, batch: b.batch) }
        #expect(abs(loss.item() - Foundation.log(37)) < 0.1)
        #expect(model.parameters().contains { $0.name == "model.layers.1.self_attn.k_proj.bias" } == qwen)
        #expect(model.parameters().contains { $0.name == "lm_head.weight" } == qwen)
    }

    @Test func noGradRecordsNothing() throws {
        let model = try Tiny.model(), b = Tiny.batch()
        Tape.current.reset()
        let h = try withNoGrad { try model.hiddenStates(tokens: b.tokens, batch: 2) }
        #expect(!h.requiresGrad && Tape.current.recordedCount == 0)
        let h2 = try model.hiddenStates(tokens: b.tokens, batch: 2)
        #expect(h2.requiresGrad && Tape.current.recordedCount > 0)
        #expect(h.values == h2.values)
        Tape.current.reset()
    }

    @Test func microBatchesEqualOneBigBatch() throws {
        let b = Tiny.batch(B: 4)
        let big = try Tiny.model()
        try big.loss(tokens: b.tokens, targets: b.targets, batch: 4).backward()
        let small = try Tiny.model()
        for half in 0..<2 {
            let r = (half * 16)..<((half + 1) * 16)
            try small.loss(tokens: Array(b.tokens[r]), targets: Array(b.targets[r]), batch: 2).backward(seed: 0.5)
        }
        for (p, q) in zip(big.parameters(), small.parameters()) where p.tensor.grad != nil {
            let (g1, g2) = (p.tensor.grad!.values, q.tensor.grad!.values)
            let scale = max(1e-6, g1.map(abs).max()!)
            #expect(zip(g1, g2).allSatisfy { abs($0 - $1) <= 1e-5 * scale }, "\(p.name)")
        }
    }

    @Test func paddingMaskHidesPaddedKeys() throws {
        // Row 1 is left-padded by 3 tokens: its real tokens must see exactly what an unpadded row sees.
        let model = try Tiny.model()
        let real: [Int32] = [4, 9, 2, 30, 11]
        let padded: [Int32] = [0, 0, 0] + real
        let mask = try Tensor(shape: [8], values: [0, 0, 0, 1, 1, 1, 1, 1])
        let positions: [Int32] = [0, 0, 0, 0, 1, 2, 3, 4]
        let a = try withNoGrad { try model.hiddenStates(tokens: real, batch: 1) }.values
        let b = try withNoGrad { try model.hiddenStates(tokens: padded, batch: 1, positions: positions, keyMask: mask) }.values
        #expect(zip(a, b.suffix(5 * 16)).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func kvCacheMatchesFullForward() throws {
        let model = try Tiny.model(qwen: true)
        let b = Tiny.batch(B: 2, T: 6)
        let full = try withNoGrad { try model.hiddenStates(tokens: b.tokens, batch: 2) }.values
        let cache = KVCache(config: model.config, batch: 2, capacity: 16)
        // prompt of 4 tokens per row, then two single-token steps
        let rows = [Array(b.tokens[0..<6]), Array(b.tokens[6..<12])]
        var got = [[Float]](repeating: [], count: 2)
        for (start, len) in [(0, 4), (4, 1), (5, 1)] {
            let step = rows.flatMap { Array($0[start..<(start + len)]) }
            let h = try model.forwardInference(tokens: step, cache: cache).values
            for r in 0..<2 { got[r] += h[(r * len * 16)..<((r + 1) * len * 16)] }
        }
        let flat = got[0] + got[1]
        #expect(zip(full, flat).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(cache.length == 6)
    }

    @Test func loraStartsAtBaseAndFreezesIt() throws {
        let base = try Tiny.model()
        let adapted = try Tiny.model(lora: LoRAConfig(rank: 2, alpha: 4))
        let b = Tiny.batch()
        let l0 = try withNoGrad { try base.loss(tokens: b.tokens, targets: b.targets, batch: 2) }.item()
        let l1 = try withNoGrad { try adapted.loss(tokens: b.tokens, targets: b.targets, batch: 2) }.item()
        #expect(l0 == l1)
        let trainable = adapted.trainableParameters().map(\.name)
        #expect(trainable.allSatisfy { $0.contains(".lora_") || $0.hasPrefix("value_head.") })
        #expect(trainable.count == 2 * 7 * 2 + 2)
        let session = TrainingSession(model: adapted, optimizer: AdamWConfig(learningRate: 1e-2), schedule: .init(kind: .constant, peak: 1e-2), seed: 0)
        let frozen = adapted.embedTokens.values
        let first = try session.trainStep([b])
        for _ in 0..<4 { try session.trainStep([b]) }
        let after = try withNoGrad { try adapted.loss(tokens: b.tokens, targets: b.targets, batch: 2) }.item()
        #expect(adapted.embedTokens.values == frozen && after < first)
    }

    @Test func valuesAndLogProbsHaveTokenShape() throws {
        let model = try Tiny.model(), b = Tiny.batch()
        let h = try model.hiddenStates(tokens: b.tokens, batch: 2)
        let v = try model.values(hidden: h), lp = try model.tokenLogProbs(hidden: h, targets: b.targets)
        #expect(v.shape == [16] && lp.shape == [16] && lp.values.allSatisfy { $0 < 0 })
        let logits = try model.logits(hidden: h)
        let ref = try gatherRows(logSoftmax(logits), indices: b.targets).values
        #expect(zip(ref, lp.values).allSatisfy { abs($0 - $1) < 1e-5 })
        Tape.current.reset()
    }

    @Test func shapeMismatchesAreClearErrors() throws {
        let model = try Tiny.model()
        #expect(throws: TensorError.self) { try model.hiddenStates(tokens: [1, 2, 3], batch: 2) }
        #expect(throws: TensorError.self) { try model.loss(tokens: [1, 2], targets: [1], batch: 1) }
        #expect(throws: TensorError.self) { try model.hiddenStates(tokens: [1, 99], batch: 1) }
        do {
            _ = try linear(Tensor(zeros: [2, 3]), Tensor(zeros: [4, 5], name: "w"))
            Issue.record("expected a shape error")
        } catch let e as TensorError {
            #expect(e.description.contains("linear") && e.description.contains("[4, 5]"))
        }
        let wrong: NamedWeights = ["model.embed_tokens.weight": ([3, 3], [Float](repeating: 0, count: 9))]
        #expect(throws: LMError.weightShape(name: "model.embed_tokens.weight", expected: [37, 16], got: [3, 3])) {
            try model.load(weights: wrong, strict: false)
        }
    }
}
