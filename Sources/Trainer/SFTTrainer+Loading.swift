// Building an SFT run from a recipe: model (+ LoRA, + init weights), tokenizer and chat format, examples.
import Foundation
import LM
import ModelIO
import Tensor

extension SFTTrainer {
    /// Loads everything a recipe names and returns a trainer ready to `run()`.
    ///
    /// - Parameters:
    ///   - modelPath: the resolved local path of `recipe.model` (GGUF or HF directory).
    ///   - strict: fail on the first bad JSONL line instead of skipping it.
    ///   - log: progress and skipped-line messages (`file:line: reason`).
    public static func load(recipe: Recipe, modelPath: String, strict: Bool = false,
                            log: @escaping (String) -> Void = { _ in }) throws -> SFTTrainer {
        let (tokenizer, chat) = try loadTokenizer(path: modelPath)
        let model = try LlamaModel.load(path: modelPath, seed: recipe.seed)
        var rng = SeededRNG(seed: recipe.seed)
        if let lora = recipe.lora { try model.addLoRA(lora, rng: &rng) }
        if let initFrom = recipe.initFrom {
            let (weights, _) = try SafeTensors.read(URL(fileURLWithPath: initFrom))
            let unknown = try model.load(weights: weights, strict: false)
            let used = weights.count - unknown.count
            log("init: \(used) tensors from \(initFrom)" + (unknown.isEmpty ? "" : " (\(unknown.filter { !$0.hasPrefix("optimizer.") }.count) unknown names ignored)"))
        }
        let runs = model.setPrecision(recipe.precision)
        log("precision: " + recipe.precision.summary(runs: runs)
            + (recipe.lora == nil && runs == .bf16 ? "; full fine-tuning freezes none, so all GEMMs are Float32" : ""))
        let dataset = try loadDataset(recipe: recipe, tokenizer: tokenizer, chat: chat, strict: strict, log: log)
        log("data: \(dataset.train.count) train / \(dataset.valid.count) valid examples, \(dataset.batchesPerEpoch) batches per epoch")
        let trainer = try SFTTrainer(recipe: recipe, model: model, dataset: dataset)
        trainer.log = log
        return trainer
    }

    /// Examples of the recipe's train and valid splits.
    public static func loadDataset(recipe: Recipe, tokenizer: SFTTokenizer, chat: ChatPrompt, endOfTurn: [Int32]? = nil,
                                   strict: Bool = false, log: @escaping (String) -> Void = { _ in }) throws -> SFTDataset {
        let d = recipe.data
        var skipped = 0
        let all = try TrainingRecord.read(path: d.train, splits: [d.split, d.validSplit], strict: strict) { e in
            skipped += 1
            log("skipped \(e)")
        }
        if skipped > 0 { log("skipped \(skipped) bad line(s) in \(d.train)") }
        let eot = endOfTurn ?? defaultEndOfTurn(tokenizer)
        let builder = SFTExampleBuilder(tokenizer: tokenizer, chat: chat, endOfTurn: eot, maxLength: recipe.sft.maxLength,
                                        secureWeight: recipe.sft.secureWeight, unlikelihood: recipe.sft.unlikelihoodWeight > 0,
                                        dropLong: recipe.sft.dropLong)
        // The oracle, the reward and the eval judge C and C++; other languages would be taught in a ```c fence.
        let records = all.filter { d.languages.contains($0.language ?? "c") }
        var trainRecords = records.filter { $0.split == d.split }
        if let limit = d.limit { trainRecords = Array(trainRecords.prefix(limit)) }
        var train = trainRecords.flatMap(builder.examples(for:))
        let validRecords = records.filter { $0.split == d.validSplit && d.validSplit != d.split }
        let valid = validRecords.flatMap(builder.examples(for:))
        let prompts = (trainRecords + validRecords).reduce(0) { $0 + $1.prompts.count }
        if recipe.sft.dropLong, train.count + valid.count < prompts {
            log("dropped \(prompts - train.count - valid.count) of \(prompts) examples longer than max_length \(recipe.sft.maxLength)")
        }
        if let path = d.replay {
            let pairs = try ReplayPair.read(path: path, strict: strict) { log("skipped \($0)") }
            let replay = pairs.compactMap { builder.replayExample($0) }
            let mixed = d.replayFraction.map { ReplayPair.fill(replay, count: ReplayPair.count(fraction: $0, beside: train.count)) } ?? replay
            log("replay: \(mixed.count) examples from the \(replay.count) of \(pairs.count) pairs in \(path) that fit max_length \(recipe.sft.maxLength), beside \(train.count)")
            train += mixed
        }
        return SFTDataset(train: train, valid: valid, batchSize: recipe.sft.batchSize, seed: recipe.seed)
    }

    /// The chat end-of-turn id (`<|im_end|>`), else EOS.
    static func defaultEndOfTurn(_ t: SFTTokenizer) -> [Int32] {
        guard let tok = t as? Tokenizer else { return [] }
        if let id = tok.id(of: "<|im_end|>") { return [Int32(id)] }
        return tok.eosID.map { [Int32($0)] } ?? []
    }

    /// Tokenizer and chat format of a GGUF file or HF directory (the same sources `Generator.load` reads).
    public static func loadTokenizer(path: String) throws -> (Tokenizer, ChatPrompt) {
        let magic = FileHandle(forReadingAtPath: path).flatMap { h in defer { try? h.close() }; return try? h.read(upToCount: 4) }
        if magic == Data("GGUF".utf8) {
            let g = try GGUFFile(path: path)
            return (try Tokenizer(gguf: g), ChatPrompt.detect(g.metadata["tokenizer.chat_template"]?.asString))
        }
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        let dir = isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
        var template: String?
        if let d = FileManager.default.contents(atPath: dir + "/tokenizer_config.json"),
           let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] { template = o["chat_template"] as? String }
        return (try Tokenizer(tokenizerJSON: dir + "/tokenizer.json"), ChatPrompt.detect(template))
    }
}
