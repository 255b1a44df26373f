// The whole RL loop on a tiny random model: rollouts from the merged decoder, rewards, update, resume.
import Foundation
import Testing
@testable import LM
@testable import ModelIO
import Rewards
import SRCodeData
import Tensor
@testable import Trainer

/// A byte-level tokenizer (256 byte tokens + the ChatML markers) and a tiny model over it.
enum TinyRL {
    /// A byte-level BPE tokenizer with no merges and two chat specials (256, 257); `vocab` replaces the
    /// default one-token-per-byte table (ids 0..<256).
    static func tokenizer(vocab custom: [String: Int]? = nil) throws -> Tokenizer {
        var vocab: [String: Int] = [:]
        for b in 0..<256 { vocab[ByteLevel.encode([UInt8(b)])] = b }
        if let custom { vocab = custom }
        let json: [String: Any] = [
            "model": ["type": "BPE", "vocab": vocab, "merges": [String]()],
            "added_tokens": [["id": 256, "content": "<|im_start|>", "special": true],
                             ["id": 257, "content": "<|im_end|>", "special": true]],
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false],
        ]
        return try Tokenizer(tokenizerJSONData: JSONSerialization.data(withJSONObject: json))
    }

    static let config = LlamaConfig(modelType: "qwen2", hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2,
                                    numKeyValueHeads: 1, intermediateSize: 32, vocabSize: 258, tieWordEmbeddings: true,
                                    attentionBias: true)

    /// The policy (fresh LoRA) and the quantized-decoder twin of its base, from one seed.
    static func models(seed: UInt64, lora: LoRAConfig) throws -> (LlamaModel, Generator) {
        var rng = SeededRNG(seed: seed)
        let m = try LlamaModel(config: config, rng: &rng)
        var weights: [String: [Float]] = [:]
        for (n, t) in m.parameters() { weights[n.hasPrefix("model.") ? String(n.dropFirst(6)) : n] = Array(UnsafeBufferPointer(start: t.data, count: t.count)) }
        let src = InferenceModel.WeightSource(
            matrix: { name, r, c in try QuantizedMatrix(type: .f32, rows: r, columns: c, blocks: weights[name]!.withUnsafeBytes { Array($0) }) },
            vector: { name, _ in weights[name]! }, has: { weights[$0] != nil })
        let inf = try InferenceModel.build(config: config, architecture: "qwen2", ropeAdjacent: false, source: src, owner: NSObject())
        try m.addLoRA(lora, rng: &rng)
        return (m, Generator(model: inf, tokenizer: try tokenizer()))
    }

    static func record() -> PromptRecord {
        let vulnerable = "void f(char *s) { char b[8]; strcpy(b, s); }\n"
        let secure = "void f(char *s) { char b[8]; snprintf(b, sizeof b, \"%s\", s); }\n"
        return PromptRecord(id: "r1", split: "train", language: "c", prompts: ["Copy the name.", "Store s."],
                            reference: RewardReference(cwes: ["CWE-120"], secureCode: secure, vulnerableCode: vulnerable,
                                                       secureSpans: [CharSpan(start: 29, end: 61)], vulnerableSpans: [CharSpan(start: 29, end: 42)]))
    }

    static func recipe(output: String, steps: Int) -> Recipe {
        var r = Recipe(model: "tiny", output: output, data: .init(train: "unused.jsonl"))
        r.seed = 3
        r.lora = LoRAConfig(rank: 2, alpha: 4, targets: ["q_proj", "v_proj"])
        r.rollout.steps = steps
        r.rollout.promptsPerStep = 2
        r.rollout.samplesPerPrompt = 2
        r.rollout.maxNewTokens = 12
        r.ppo.miniBatchSize = 2
        r.ppo.learningRate = 1e-2
        r.reward.checkCompile = false
        r.reward.functional = FunctionalConfig()
        r.reward.outcomeBroken = -2
        return r
    }

    static func trainer(output: String, steps: Int) throws -> RLTrainer {
        let recipe = recipe(output: output, steps: steps)
        let (policy, gen) = try models(seed: 1, lora: recipe.lora!)
        let sampler = RolloutSampler(base: gen, composer: RewardComposer(config: recipe.reward, compile: { _ in true }))
        return try RLTrainer(recipe: recipe, policy: policy, sampler: sampler, records: [record()])
    }
}

@Suite(.serialized) struct RLTrainerTests {
    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("rl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// metrics.jsonl without the wall-clock fields.
    func metrics(_ dir: URL) -> [[String: Double]] {
        MetricsLog.read(dir.appendingPathComponent("metrics.jsonl")).map { row in
            row.values.filter { !$0.key.hasSuffix("_seconds") }.merging(["step": Double(row.step)]) { a, _ in a }
        }
    }

    @Test func stepsProduceMetricsAndMoveThePolicy() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try TinyRL.trainer(output: dir.path, steps: 2)
        let before = t.policy.trainableParameters().map { Array(UnsafeBufferPointer(start: $0.tensor.data, count: $0.tensor.count)) }
        try await t.run()
        let after = t.policy.trainableParameters().map { Array(UnsafeBufferPointer(start: $0.tensor.data, count: $0.tensor.count)) }
        #expect(before != after)
        let m = metrics(dir)
        #expect(m.map { $0["step"] } == [1, 2])
        for key in ["reward_mean", "kl", "clip_fraction", "value_loss", "entropy", "vulnerability_rate", "compile_rate",
                    "truncated_rate", "stub_rate"] {
            #expect(m[0][key] != nil, "missing \(key)")
        }
        // The phases add up to the two wall-clock sums they split (benchmarks/rl_step.sh reads them).
        for row in MetricsLog.read(dir.appendingPathComponent("metrics.jsonl")).map(\.values) {
            let p = ["generation", "reward", "score", "epochs"].map { row[$0 + "_seconds"] ?? -1 }
            #expect(p.allSatisfy { $0 >= 0 }, "missing or negative phase time: \(p)")
            #expect(abs(p[0] + p[1] - (row["rollout_seconds"] ?? 0)) < 0.05)
            #expect(abs(p[2] + p[3] - (row["update_seconds"] ?? 0)) < 0.05)
        }
        // Four rollouts per step (2 prompts × 2 samples), each logged with its text.
        #expect(MetricsLog.read(dir.appendingPathComponent("rollouts.jsonl")).count == 8)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("final.safetensors").path))
    }

    /// `rollout.engine: quantized` samples the policy through the decoder with the LoRA merged: on the
    /// tiny model (an F32 "quantized" twin) it draws the same tokens as the F32 engine from the same seed,
    /// and leaves the behaviour log-probs to the scoring pass.
    @Test func quantizedEngineSamplesThePolicyWithItsAdapter() async throws {
        let recipe = TinyRL.recipe(output: "unused", steps: 1)
        let (policy, gen) = try TinyRL.models(seed: 1, lora: recipe.lora!)
        var rng = SeededRNG(seed: 4)
        for (_, t) in policy.trainableParameters() { for i in 0..<t.count { t.data[i] += 0.3 * rng.normal() } }
        let sampler = RolloutSampler(base: gen, composer: RewardComposer(config: recipe.reward, compile: { _ in true }))
        let items = TinyRL.record().prompts.map { (record: TinyRL.record(), prompt: $0) }
        var config = recipe.rollout
        config.stopAtCodeEnd = false
        func draw(_ engine: RolloutConfig.Engine) async throws -> [Rollout] {
            config.engine = engine
            return try await sampler.sample(policy: policy, items: items, samples: 2, config: config, seed: 9).map(\.rollout)
        }
        let f32 = try await draw(.f32), quantized = try await draw(.quantized)
        #expect(f32.map(\.responseTokens) == quantized.map(\.responseTokens))
        #expect(f32.allSatisfy { $0.logprobs.count == $0.responseTokens.count })
        #expect(quantized.allSatisfy { $0.logprobs.isEmpty })
        // The adapter matters: the base decoder alone draws something else.
        let plain = try await RolloutSampler(base: gen, composer: sampler.composer)
            .sample(policy: try TinyRL.models(seed: 1, lora: recipe.lora!).0, items: items, samples: 2, config: config, seed: 9)
        #expect(plain.map(\.rollout.responseTokens) != quantized.map(\.responseTokens))
    }

    @Test func resumeIsBitExact() async throws {
        let straight = try tempDir(), resumed = try tempDir()
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: resumed) }
        try await TinyRL.trainer(output: straight.path, steps: 3).run()
        // Stop after step 1, then a fresh process (fresh models from the recipe) continues to step 3.
        try await TinyRL.trainer(output: resumed.path, steps: 1).run()
        // A step whose lines were logged but whose checkpoint was lost: the resumed run must drop them.
        try Data("{\"step\":2,\"reward_mean\":99}\n".utf8).append(to: resumed.appendingPathComponent("metrics.jsonl"))
        let again = try TinyRL.trainer(output: resumed.path, steps: 3)
        try await again.run()
        #expect(again.step == 3)
        #expect(metrics(straight) == metrics(resumed))
        let a = try SafeTensors.read(straight.appendingPathComponent("checkpoint.safetensors")).tensors
        let b = try SafeTensors.read(resumed.appendingPathComponent("checkpoint.safetensors")).tensors
        #expect(a.keys.sorted() == b.keys.sorted())
        for k in a.keys { #expect(a[k]!.data == b[k]!.data, "\(k) differs") }
    }

    @Test func promptRecordsKeepTheirSplitAndLanguageAndReportBadLines() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        func row(_ id: String, _ split: String, _ lang: String) -> String {
            #"{"id":"\#(id)","split":"\#(split)","language":"\#(lang)","status":"accepted","cwes":["CWE-787"],"prompts":[{"text":"Write f."}],"secure_code":"int f(void){return 0;}","vulnerable_code":"int f(void){return 1;}","secure_spans":[{"start":19,"end":20}],"vulnerable_spans":[{"start":19,"end":20}]}"#
        }
        let file = dir.appendingPathComponent("pv.jsonl")
        try ([row("a", "train", "c"), "{not json", row("b", "test", "c"), row("c", "train", "python"), row("d", "train", "cpp")]
            .joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        var skipped: [String] = []
        let records = try PromptRecord.load(path: file.path, split: "train", languages: ["c", "cpp"]) { skipped.append($0) }
        #expect(records.map(\.id) == ["a", "d"])
        #expect(records[0].reference.cwes == ["CWE-787"] && records[0].prompts == ["Write f."])
        #expect(skipped.count == 1 && skipped[0].contains("pv.jsonl:2:"))
        #expect(throws: (any Error).self) { try PromptRecord.load(path: file.path, split: "train", languages: ["c"], strict: true) }
    }

    /// `eval --engine policy`: the published adapter beside a frozen base reproduces the trained model,
    /// and at bf16 the base keeps only its bf16 copies while the adapter stays Float32.
    @Test func samplingPreparationAttachesTheAdapterBesideTheBase() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (trained, _) = try TinyRL.models(seed: 1, lora: LoRAConfig(rank: 2, alpha: 4, targets: ["q_proj", "v_proj", "o_proj"]))
        var rng = SeededRNG(seed: 5)
        for (_, t) in trained.trainableParameters() { for i in 0..<t.count { t.data[i] += 0.3 * rng.normal() } }
        let file = dir.appendingPathComponent("adapter.safetensors")
        try trained.exportAdapter(stackingOn: nil, to: file)
        let tokens: [Int32] = [256, 10, 20, 30, 257]
        func logits(_ m: LlamaModel) throws -> [Float] { try withNoGrad { try m.logits(hidden: m.hiddenStates(tokens: tokens, batch: 1)).values } }
        let want = try logits(trained), base = try trained.withoutAdapters { try logits(trained) }
        #expect(zip(want, base).map { abs($0 - $1) }.max()! > 1e-2)  // the adapter matters

        var r = SeededRNG(seed: 1)  // same seed, no LoRA: the same base weights
        let f32 = try LlamaModel(config: TinyRL.config, rng: &r)
        #expect(try f32.prepareForSampling(adapter: file.path, precision: .f32) == .f32)
        #expect(f32.trainableParameters().isEmpty)
        #expect(zip(try logits(f32), want).allSatisfy { abs($0 - $1) < 1e-4 })

        r = SeededRNG(seed: 1)
        let half = try LlamaModel(config: TinyRL.config, rng: &r)
        let runs = try half.prepareForSampling(adapter: file.path, precision: .bf16)
        guard runs == .bf16 else { print("skip bf16 half: \(ComputePrecision.bf16Unavailable ?? "")"); return }
        let q = half.layers[0].q
        #expect(q.weight.float32Released && q.loraA?.bf16 == nil && q.loraB?.bf16 == nil)
        let got = try logits(half), spread = want.map(abs).max()!
        #expect(zip(got, want).allSatisfy { abs($0 - $1) < 0.02 * spread })
    }

    @Test func adapterExportStacksTheEarlierStage() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Stage 1 (think SFT): a trained LoRA, saved as a checkpoint.
        let (sft, gen) = try TinyRL.models(seed: 1, lora: LoRAConfig(rank: 2, alpha: 4, targets: ["q_proj", "o_proj"]))
        var rng = SeededRNG(seed: 9)
        for (_, t) in sft.trainableParameters() { for i in 0..<t.count { t.data[i] += 0.1 * rng.normal() } }
        let sftFile = dir.appendingPathComponent("sft.safetensors")
        try Checkpoint.save(model: sft, optimizer: AdamW(parameters: sft.trainableParameters()), step: 1, rng: rng, to: sftFile)
        // Stage 2 (think PPO): the base with stage 1 folded in, a fresh adapter on other projections, trained.
        let (ppo, _) = try TinyRL.models(seed: 1, lora: LoRAConfig(rank: 2, alpha: 2, targets: ["q_proj", "v_proj"]))
        try ppo.fold(checkpoint: sftFile.path)
        for (_, t) in ppo.trainableParameters() { for i in 0..<t.count { t.data[i] += 0.1 * rng.normal() } }
        // Adapters off = exactly stage 1's model (PPO's reference policy).
        let tokens: [Int32] = [256, 10, 20, 30, 257]
        func logits(_ m: LlamaModel) throws -> [Float] { try withNoGrad { try m.logits(hidden: m.hiddenStates(tokens: tokens, batch: 1)).values } }
        let sftLogits = try logits(sft), offLogits = try ppo.withoutAdapters { try logits(ppo) }
        #expect(zip(sftLogits, offLogits).allSatisfy { abs($0 - $1) < 1e-4 })
        // One exported file reproduces stage 1 + stage 2 in the decoder.
        let adapter = dir.appendingPathComponent("adapter.safetensors")
        try ppo.exportAdapter(stackingOn: sftFile.path, to: adapter)
        let dec = try gen.model.adapted(checkpoint: adapter.path)
        let cache = dec.makeCache(sequences: 1, capacity: 8)
        cache.halfPrecision = false  // Float32 attention, to compare with the Float32 training model
        let got = try dec.forward(tokens: tokens, sequence: 0, cache: cache)
        let want = try logits(ppo)
        #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-4 })

        // The published F16 copies (results/adapters/): LoRA pairs only, metadata kept, same model within F16 rounding.
        for (source, model) in [(adapter, ppo), (sftFile, sft)] {
            let published = dir.appendingPathComponent("published-" + source.lastPathComponent)
            let report = try AdapterPublisher.publish(from: source, to: published)
            let (tensors, meta) = try SafeTensors.read(published)
            #expect(tensors.keys.allSatisfy { $0.hasSuffix(".lora_A.weight") || $0.hasSuffix(".lora_B.weight") })
            let sourceMeta = try SafeTensors.read(source).metadata
            #expect(tensors.count == report.tensors && meta == sourceMeta.mapValues(AdapterPublisher.canonicalJSON))
            #expect(report.maxRoundingError > 0 && report.maxRoundingError < 1e-3)
            let dec = try gen.model.adapted(checkpoint: published.path)
            let cache = dec.makeCache(sequences: 1, capacity: 8)
            cache.halfPrecision = false
            let got = try dec.forward(tokens: tokens, sequence: 0, cache: cache)
            let want = try logits(model)
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-2 }, "\(source.lastPathComponent)")
        }
        // The published bytes do not depend on the key order of JSON metadata (older checkpoints wrote it unsorted).
        let pair: [(name: String, shape: [Int], values: [Float])] = [("l.lora_A.weight", [1, 2], [0.5, -1]), ("l.lora_B.weight", [2, 1], [2, 0.25])]
        var hashes: [Data] = []
        for (i, lora) in [#"{"rank":1,"alpha":2,"targets":["q"]}"#, #"{"targets":["q"],"alpha":2,"rank":1}"#].enumerated() {
            let source = dir.appendingPathComponent("order\(i).safetensors"), out = dir.appendingPathComponent("order\(i)-published.safetensors")
            try SafeTensors.write(arrays: pair, metadata: ["format": "srcode-adapter-1", "lora": lora], to: source)
            _ = try AdapterPublisher.publish(from: source, to: out)
            hashes.append(try Data(contentsOf: out))
        }
        #expect(hashes[0] == hashes[1])
        #expect(throws: (any Error).self) {  // nothing to publish in a file without LoRA pairs
            let plain = dir.appendingPathComponent("plain.safetensors")
            try [Float(1), 2].withUnsafeBufferPointer {
                try SafeTensors.write([(name: "x", shape: [2], data: $0.baseAddress!)], metadata: [:], to: plain)
            }
            _ = try AdapterPublisher.publish(from: plain, to: dir.appendingPathComponent("out.safetensors"))
        }
    }
}

extension Data {
    func append(to url: URL) throws {
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: self)
    }
}
