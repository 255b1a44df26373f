// SFT on tiny random models: loss masks, SafeCoder span weights, the unlikelihood term, learning, resume, bad lines.
import Foundation
import Testing
import LM
import SRCodeData
import Tensor
@testable import Trainer

// MARK: - Fixtures

/// One token per UTF-8 byte (ids 2…61), so byte offsets are token indices; id 1 ends the turn.
struct ByteTokenizer: SFTTokenizer {
    func encodeIDs(_ text: String) -> [Int32] { text.utf8.map { Int32($0 % 60) + 2 } }
    func byteCount(of id: Int32) -> Int { 1 }
}

func sftTinyModel(seed: UInt64 = 1) throws -> LlamaModel {
    var rng = SeededRNG(seed: seed)
    let config = LlamaConfig(modelType: "qwen2", hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1,
                             intermediateSize: 32, vocabSize: 64, attentionBias: true)
    return try LlamaModel(config: config, rng: &rng)
}

let secureCode = "int f(int n) { // é\n  if (n < 0) return 0;\n  return n;\n}"
let vulnerableCode = "int f(int n) { // é\n  return n;\n}"

/// A PrimeVul+ line with the keys Vul2Safe writes.
func recordLine(id: String, split: String, prompts: [String] = ["Write f."]) throws -> String {
    let guardLine = "if (n < 0) return 0;"
    let s = secureCode.range(of: guardLine)!
    let lo = secureCode.unicodeScalars.distance(from: secureCode.unicodeScalars.startIndex, to: s.lowerBound)
    let v = vulnerableCode.range(of: "return n;")!
    let vlo = vulnerableCode.unicodeScalars.distance(from: vulnerableCode.unicodeScalars.startIndex, to: v.lowerBound)
    let o: [String: Any] = [
        "schema": "primevul-plus/1", "id": id, "source": "test", "commit_group": "g", "language": "c", "status": "accepted",
        "prompts": prompts.map { ["style": "docstring", "text": $0, "origin": "offline"] },
        "secure_code": secureCode, "vulnerable_code": vulnerableCode,
        "secure_spans": [["start": lo, "end": lo + guardLine.unicodeScalars.count]],
        "vulnerable_spans": [["start": vlo, "end": vlo + 9]],
        "confidence": 0.9, "split": split, "cwes": ["CWE-787"],
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
}

func tempDir(_ name: String) -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("srcode-sft-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: u)
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

func builder(secureWeight: Float = 1, unlikelihood: Bool = false, maxLength: Int = 512) -> SFTExampleBuilder {
    SFTExampleBuilder(tokenizer: ByteTokenizer(), chat: .chatml, endOfTurn: [1], maxLength: maxLength,
                      secureWeight: secureWeight, unlikelihood: unlikelihood)
}

// MARK: - Masks and weights

@Test func lossMaskCoversExactlyTheAnswerTokens() throws {
    let r = TrainingRecord(id: "a", split: "train", prompts: ["Write f."], secureCode: secureCode, vulnerableCode: vulnerableCode)
    let ex = try #require(builder().examples(for: r).first)
    let prompt = ByteTokenizer().encodeIDs(ChatPrompt.chatml.render([(role: "user", content: "Write f.")]))
    let answer = ByteTokenizer().encodeIDs(SFTExampleBuilder.answer(code: secureCode).text) + [1]
    #expect(ex.tokens.count == prompt.count + answer.count - 1)
    let kept = ex.targets.indices.filter { ex.targets[$0] != SFTExample.ignore }
    #expect(kept == Array((prompt.count - 1)..<ex.tokens.count))
    #expect(kept.map { ex.targets[$0] } == answer)
    #expect(kept.allSatisfy { ex.weights[$0] == 1 })
    #expect(ex.weights.indices.filter { ex.weights[$0] != 0 } == kept)
    // Truncation keeps the prompt and cuts the answer's end.
    let short = try #require(builder(maxLength: prompt.count + 4).examples(for: r).first)
    #expect(short.tokens.count == prompt.count + 3 && short.answerTokens == 4)
}

@Test func secureSpanWeightsLandOnExactlyTheSpanTokens() throws {
    let line = try recordLine(id: "a", split: "train")
    let r = try JSONDecoder().decode(TrainingRecord.self, from: Data(line.utf8))
    let ex = try #require(builder(secureWeight: 3, unlikelihood: true).examples(for: r).first)
    let promptCount = ByteTokenizer().encodeIDs(ChatPrompt.chatml.render([(role: "user", content: "Write f.")])).count
    // Byte range of the guard in the answer text ("```c\n" is 5 bytes; "é" is 2 bytes, so bytes ≠ scalars).
    let answer = SFTExampleBuilder.answer(code: secureCode).text
    let lo = Array(answer.utf8).count - Array(answer[answer.range(of: "if (n < 0)")!.lowerBound...].utf8).count
    let span = (promptCount - 1 + lo)..<(promptCount - 1 + lo + "if (n < 0) return 0;".utf8.count)
    #expect(ex.weights.indices.filter { ex.weights[$0] == 3 } == Array(span))
    // The unlikelihood row keeps exactly the vulnerable span's targets ("return n;").
    let u = try #require(ex.unlikely)
    let vAnswer = SFTExampleBuilder.answer(code: vulnerableCode).text
    let vlo = Array(vAnswer.utf8).count - Array(vAnswer[vAnswer.range(of: "return n;")!.lowerBound...].utf8).count
    let kept = u.targets.indices.filter { u.targets[$0] != SFTExample.ignore }
    #expect(kept == Array((promptCount - 1 + vlo)..<(promptCount - 1 + vlo + 9)))
}

// MARK: - Unlikelihood

@Test func unlikelihoodMatchesHandValueAndFiniteDifferences() throws {
    let model = try sftTinyModel(seed: 4)
    let tokens: [Int32] = [3, 9, 17, 4, 22, 8]
    let targets: [Int32] = [-100, 17, 4, -100, 8, -100]
    // Hand value from full softmax probabilities.
    let probs: [Float] = try withNoGrad {
        let logits = try model.logits(hidden: model.hiddenStates(tokens: tokens, batch: 1)).values
        return targets.indices.map { n in
            guard targets[n] >= 0 else { return 0 }
            let row = logits[(n * 64)..<((n + 1) * 64)], m = row.max()!
            return Foundation.exp(row[n * 64 + Int(targets[n])] - m) / row.map { Foundation.exp($0 - m) }.reduce(0, +)
        }
    }
    let kept = targets.indices.filter { targets[$0] >= 0 }
    let hand = kept.map { -Foundation.log(1 - probs[$0]) }.reduce(0, +) / Float(kept.count)
    let loss = try model.unlikelihoodLoss(tokens: tokens, targets: targets, batch: 1)
    #expect(abs(loss.item() - hand) < 1e-4 * max(1, hand))
    // Gradient wrt a few weights of the final norm and the embedding vs central differences.
    model.zeroGrad()
    try loss.backward()
    for (t, i) in [(model.norm, 3), (model.embedTokens, 17 * 16 + 5), (model.embedTokens, 9 * 16 + 2)] {
        let g = try #require(t.grad).data[i], h: Float = 1e-2, x = t.data[i]
        t.data[i] = x + h
        let up = try withNoGrad { try model.unlikelihoodLoss(tokens: tokens, targets: targets, batch: 1).item() }
        t.data[i] = x - h
        let down = try withNoGrad { try model.unlikelihoodLoss(tokens: tokens, targets: targets, batch: 1).item() }
        t.data[i] = x
        let fd = (up - down) / (2 * h)
        #expect(abs(fd - g) < 2e-3 + 0.05 * abs(g), "\(t.name)[\(i)]: finite difference \(fd) vs backward \(g)")
    }
}

// MARK: - Training runs

func writeData(_ dir: URL, badLine: Bool = false) throws -> String {
    var lines = try (0..<4).map { try recordLine(id: "r\($0)", split: "train", prompts: ["Write f.", "Implement f \($0)."]) }
    lines.append(try recordLine(id: "v0", split: "valid"))
    lines.append(try recordLine(id: "t0", split: "test"))
    if badLine { lines.insert("{\"id\": \"broken\", \"split\": ", at: 1) }
    let path = dir.appendingPathComponent("pv.jsonl").path
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func tinyRecipe(_ dir: URL, data: String, steps: Int) -> Recipe {
    var r = Recipe(model: "tiny", output: dir.appendingPathComponent("run").path, data: .init(train: data))
    r.seed = 7
    r.sft.steps = steps
    r.sft.batchSize = 2
    r.sft.gradAccumulation = 2
    r.sft.learningRate = 1e-2
    r.sft.warmupSteps = 2
    r.sft.evalEvery = 2
    r.sft.saveEvery = 2
    r.sft.secureWeight = 2
    r.sft.unlikelihoodWeight = 0.5
    return r
}

func tinyTrainer(_ recipe: Recipe) throws -> SFTTrainer {
    let ds = try SFTTrainer.loadDataset(recipe: recipe, tokenizer: ByteTokenizer(), chat: .chatml, endOfTurn: [1])
    return try SFTTrainer(recipe: recipe, model: sftTinyModel(), dataset: ds)
}

@Test func sftLowersTheLossOnATinyModel() throws {
    let dir = tempDir("learn")
    let trainer = try tinyTrainer(tinyRecipe(dir, data: try writeData(dir), steps: 16))
    #expect(trainer.dataset.train.count == 8 && trainer.dataset.valid.count == 1)
    let before = try trainer.evalLoss()
    try trainer.run()
    let rows = MetricsLog.read(trainer.metricsURL)
    #expect(rows.map(\.step) == Array(1...16))
    let after = try #require(rows.last?.values["eval_loss"])
    #expect(after < 0.7 * before, "eval loss \(before) → \(after)")
    #expect(rows.last!.values["loss"]! < rows.first!.values["loss"]!)
    #expect(rows.allSatisfy { $0.values["unlikelihood"] != nil && $0.values["grad_norm"] != nil })
    #expect(FileManager.default.fileExists(atPath: trainer.finalURL.path))
    let run = try JSONSerialization.jsonObject(with: Data(contentsOf: trainer.output.appendingPathComponent("run.json"))) as! [String: Any]
    #expect(run["steps"] as? Int == 16 && (run["tokens_seen"] as? Int ?? 0) > 0 && run["recipe"] != nil)
}

@Test func resumeAfterInterruptionIsBitExact() throws {
    let dir = tempDir("resume")
    let data = try writeData(dir)
    let straight = tinyRecipe(dir.appendingPathComponent("a"), data: data, steps: 6)
    try tinyTrainer(straight).run()
    let cut = tinyRecipe(dir.appendingPathComponent("b"), data: data, steps: 6)
    // Stop after step 3: the checkpoint is at step 2, the log already holds step 3 (as after a kill -9).
    try tinyTrainer(cut).run(stopAfter: 3)
    let resumed = try tinyTrainer(cut)
    #expect(resumed.resumedFrom == 2)
    try resumed.run()
    let a = try SafeTensors.read(URL(fileURLWithPath: straight.output + "/final.safetensors")).tensors
    let b = try SafeTensors.read(URL(fileURLWithPath: cut.output + "/final.safetensors")).tensors
    #expect(a.keys.sorted() == b.keys.sorted())
    #expect(a.keys.allSatisfy { a[$0]!.data == b[$0]!.data })
    func stable(_ path: String) -> [String] {
        MetricsLog.read(URL(fileURLWithPath: path + "/metrics.jsonl")).map { row in
            "\(row.step) " + row.values.filter { $0.key != "tokens_per_s" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }
    #expect(stable(straight.output) == stable(cut.output))
    #expect(stable(cut.output).count == 6)
}

// MARK: - Bad input

@Test func badRecordLineIsSkippedWithFileAndLine() throws {
    let dir = tempDir("bad")
    let path = try writeData(dir, badLine: true)
    var errors: [TrainingDataError] = []
    let records = try TrainingRecord.read(path: path, splits: ["train"]) { errors.append($0) }
    #expect(records.count == 4)
    #expect(errors.count == 1 && errors[0].line == 2 && errors[0].description.hasPrefix("\(path):2:"))
    #expect(throws: TrainingDataError.self) { try TrainingRecord.read(path: path, splits: ["train"], strict: true) }
}

// MARK: - Replay

/// `data.replay`: the base model's own chat pairs join the training examples with the response as the answer,
/// verbatim; `replay_fraction` cycles them to a share of the examples; bad lines are skipped with file and line
/// (or fail with strict); a response too long for `max_length` is dropped, never cut.
@Test func replayPairsJoinTheTrainingExamples() throws {
    let dir = tempDir("replay")
    let data = try writeData(dir)
    let replay = dir.appendingPathComponent("replay.jsonl").path
    let lines = [#"{"prompt": "Sum two ints.", "response": "Here:\n```c\nint add(int a, int b) { return a + b; }\n```"}"#,
                 #"{"prompt": "Say hi.", "response": "hi"}"#,
                 #"{"prompt": "no response"}"#,
                 #"{"prompt": "Too long.", "response": "\#(String(repeating: "x", count: 600))"}"#]
    try (lines.joined(separator: "\n") + "\n").write(toFile: replay, atomically: true, encoding: .utf8)
    var recipe = tinyRecipe(dir, data: data, steps: 2)
    recipe.data.replay = replay
    var log: [String] = []
    let ds = try SFTTrainer.loadDataset(recipe: recipe, tokenizer: ByteTokenizer(), chat: .chatml, endOfTurn: [1]) { log.append($0) }
    let replayed = ds.train.filter { $0.recordID == "replay" }
    #expect(ds.train.count == 8 + 2 && replayed.count == 2)
    #expect(log.contains { $0.contains("replay.jsonl:3:") }, "\(log)")
    // The answer is the response verbatim, every byte a target of weight 1, then the end of turn.
    let hi = try #require(replayed.first { $0.answerTokens == "hi".utf8.count + 1 })
    let answer = zip(hi.targets, hi.weights).filter { $0.0 != SFTExample.ignore }
    #expect(answer.map(\.0) == ByteTokenizer().encodeIDs("hi") + [1] && answer.allSatisfy { $0.1 == 1 })
    // A fraction: 8 record examples at 1/3 replay → 4 replay examples, the 2 pairs cycled.
    recipe.data.replayFraction = 1.0 / 3
    let mixed = try SFTTrainer.loadDataset(recipe: recipe, tokenizer: ByteTokenizer(), chat: .chatml, endOfTurn: [1])
    #expect(mixed.train.filter { $0.recordID == "replay" }.count == 4 && mixed.train.count == 12)
    #expect(throws: DataError(file: replay, line: 3, reason: "not a replay pair {prompt, response}: missing field response")) {
        try SFTTrainer.loadDataset(recipe: recipe, tokenizer: ByteTokenizer(), chat: .chatml, endOfTurn: [1], strict: true)
    }
    // The keys read back from YAML.
    let yaml = "model: tiny\noutput: o\ndata: {train: t.jsonl, replay: r.jsonl, replay_fraction: 0.25}\n"
    let parsed = try Recipe.parse(yaml)
    #expect(parsed.data.replay == "r.jsonl" && parsed.data.replayFraction == 0.25 && Recipe.unknownKeys(yaml, recipe: parsed).isEmpty)
}

/// A `cut` replay pair (the sampler's cap cut its answer) is trained as a prefix: no end-of-turn target, cut
/// to `max_length` instead of dropped; a whole pair that does not fit is still dropped.
@Test func cutReplayPairsTrainAPrefixWithoutEndOfTurn() throws {
    let dir = tempDir("replay-cut")
    let replay = dir.appendingPathComponent("replay.jsonl").path
    let long = String(repeating: "x", count: 600)
    let lines = [#"{"prompt": "Say hi.", "response": "hi", "cut": true}"#,
                 #"{"prompt": "Long.", "response": "\#(long)", "cut": true}"#,
                 #"{"prompt": "Long too.", "response": "\#(long)"}"#]
    try (lines.joined(separator: "\n") + "\n").write(toFile: replay, atomically: true, encoding: .utf8)
    let pairs = try ReplayPair.read(path: replay, strict: true)
    #expect(pairs.map(\.cut) == [true, true, nil])
    let builder = SFTExampleBuilder(tokenizer: ByteTokenizer(), chat: .chatml, endOfTurn: [1], maxLength: 256)
    let hi = try #require(builder.replayExample(pairs[0]))
    let hiTargets = hi.targets.filter { $0 != SFTExample.ignore }
    #expect(hiTargets == ByteTokenizer().encodeIDs("hi"))
    let prefix = try #require(builder.replayExample(pairs[1]))
    #expect(prefix.tokens.count == 255 && !prefix.targets.contains(1))
    #expect(prefix.targets.filter { $0 != SFTExample.ignore }.allSatisfy { $0 == ByteTokenizer().encodeIDs("x")[0] })
    #expect(builder.replayExample(pairs[2]) == nil)
}

// MARK: - KL to the base model

/// `kl_to_base`: the KL of the fine-tune from the base (adapters off) is exactly 0 while LoRA B is zero, the
/// cross-entropy beside it is `loss`'s, and training with β > 0 ends nearer the base than training without.
@Test func klToBaseHoldsTheFineTuneNearTheBase() throws {
    let dir = tempDir("kl")
    let data = try writeData(dir)
    func trainer(_ beta: Float) throws -> SFTTrainer {
        var r = tinyRecipe(dir.appendingPathComponent("beta\(beta)"), data: data, steps: 24)
        r.sft.unlikelihoodWeight = 0
        r.sft.learningRate = 0.05  // LoRA on the random tiny model moves little at the other tests' 1e-2
        r.sft.klToBase = beta
        let ds = try SFTTrainer.loadDataset(recipe: r, tokenizer: ByteTokenizer(), chat: .chatml, endOfTurn: [1])
        let model = try sftTinyModel()
        try model.addLoRA(LoRAConfig(rank: 8, alpha: 16, targets: ["v_proj", "o_proj", "up_proj", "down_proj"]), seed: 3)
        return try SFTTrainer(recipe: r, model: model, dataset: ds)
    }
    func measure(_ t: SFTTrainer) throws -> (ce: Float, kl: Float, loss: Float) {
        let (batch, _) = padBatch(Array(t.dataset.train.prefix(4)))
        return try withNoGrad {
            let m = t.session.model
            let terms = try m.answerLossAndKLToBase(tokens: batch.tokens, targets: batch.targets, batch: batch.batch, weights: batch.weights)
            let loss = try m.loss(tokens: batch.tokens, targets: batch.targets, batch: batch.batch, weights: batch.weights)
            return (terms.ce.item(), try #require(terms.kl).item(), loss.item())
        }
    }
    let plain = try trainer(0), held = try trainer(20)
    let start = try measure(held)
    #expect(abs(start.kl) < 1e-6 && abs(start.ce - start.loss) < 1e-5, "\(start)")
    try plain.run()
    try held.run()
    let (p, h) = (try measure(plain), try measure(held))
    #expect(p.kl > 0.005 && h.kl < 0.5 * p.kl, "KL to base after 24 steps: β 0 → \(p.kl), β 20 → \(h.kl)")
    #expect(h.ce < start.ce, "the answer loss still falls with the KL term: \(start.ce) → \(h.ce)")
    #expect(MetricsLog.read(held.metricsURL).allSatisfy { $0.values["kl_to_base"] != nil })
    #expect(MetricsLog.read(plain.metricsURL).allSatisfy { $0.values["kl_to_base"] == nil })
    // Without LoRA there is no base to hold to: refused, not silently 0.
    var noLoRA = tinyRecipe(dir.appendingPathComponent("nolora"), data: data, steps: 2)
    noLoRA.sft.klToBase = 1
    #expect(throws: RecipeError.self) { try tinyTrainer(noLoRA) }
    let parsed = try Recipe.parse("model: tiny\noutput: o\ndata: {train: t.jsonl}\nsft: {kl_to_base: 0.5}\n")
    #expect(parsed.sft.klToBase == 0.5)
}
