// SFTTrainer: the supervised loop — batch → (CE + unlikelihood + KL to base) → clip → AdamW → log → eval → checkpoint, resumable.
import Foundation
import LM
import SRCodeData
import Tensor

/// Runs `recipe.sft` on prepared examples, writing into `recipe.output`:
/// `checkpoint.safetensors` (every `save_every` steps, atomically), `metrics.jsonl`,
/// `final.safetensors` and `run.json`.
///
/// ```swift
/// let trainer = try SFTTrainer(recipe: recipe, model: model, dataset: dataset)
/// let summary = try trainer.run()          // resumes from checkpoint.safetensors if present
/// ```
///
/// Resume after `kill -9`: the checkpoint holds weights, AdamW moments, step and RNG; the data
/// order depends only on (seed, step) (``SFTDataset``); the metrics log is cut back to the
/// checkpoint's step. A rerun therefore continues bit-exact, with no step logged twice.
public final class SFTTrainer {
    public let recipe: Recipe
    public let session: TrainingSession
    public let dataset: SFTDataset
    public let output: URL
    /// Step at which this process started (0, or the checkpoint's step).
    public private(set) var resumedFrom = 0
    /// Diagnostics (resume notices, eval results), stderr in the CLI.
    public var log: (String) -> Void = { _ in }
    /// Draw a progress bar on stderr.
    public var showProgress = false
    private var planCache: (epoch: Int, plan: [[Int]])?

    var config: SFTConfig { recipe.sft }
    public var checkpointURL: URL { output.appendingPathComponent("checkpoint.safetensors") }
    public var metricsURL: URL { output.appendingPathComponent("metrics.jsonl") }
    public var finalURL: URL { output.appendingPathComponent("final.safetensors") }

    /// `model` must already carry its LoRA adapters and `init` weights; a checkpoint in `recipe.output`
    /// (from an interrupted run) replaces them.
    public init(recipe: Recipe, model: LlamaModel, dataset: SFTDataset) throws {
        self.recipe = recipe
        self.dataset = dataset
        output = URL(fileURLWithPath: recipe.output)
        let c = recipe.sft
        guard c.steps > 0, c.batchSize > 0, c.gradAccumulation > 0, c.maxLength > 1 else {
            throw RecipeError(file: recipe.output, reason: "sft: steps, batch_size, grad_accumulation must be positive and max_length > 1")
        }
        // The base of `kl_to_base` is the model with its adapters off: without LoRA the KL would be 0 throughout.
        guard c.klToBase == 0 || (c.klToBase > 0 && model.lora != nil) else {
            throw RecipeError(file: recipe.output, reason: "sft: kl_to_base must be ≥ 0 and needs LoRA adapters (its base is the model with the adapters off)")
        }
        guard !dataset.train.isEmpty else { throw RecipeError(file: recipe.data.train, reason: "no training examples in split '\(recipe.data.split)'") }
        session = TrainingSession(
            model: model, optimizer: AdamWConfig(learningRate: c.learningRate, weightDecay: c.weightDecay),
            schedule: LRSchedule(kind: .cosine, peak: c.learningRate, warmupSteps: c.warmupSteps, totalSteps: c.steps, minRatio: 0.1),
            maxGradNorm: c.maxGradNorm > 0 ? c.maxGradNorm : nil, seed: recipe.seed)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            try session.resume(from: checkpointURL)
            resumedFrom = session.step
        }
    }

    // MARK: - The loop

    /// Trains up to `recipe.sft.steps` (or stops after `stopAfter` steps, as a kill would, for tests).
    @discardableResult
    public func run(stopAfter: Int? = nil) throws -> SFTRunSummary {
        let started = Date()
        let metrics = try MetricsLog(url: metricsURL, keepThrough: session.step)
        if resumedFrom > 0 { log("resuming from \(checkpointURL.path) at step \(resumedFrom)") }
        var bar = ProgressBar(total: config.steps, done: session.step)
        while session.step < config.steps {
            if let stopAfter, session.step >= stopAfter { return summary(started: started, finished: false) }
            let t0 = Date()
            let s = try trainStep()
            let dt = Date().timeIntervalSince(t0)
            var row: [String: Double] = [
                "loss": Double(s.loss), "lr": Double(s.lr), "grad_norm": Double(s.gradNorm),
                "tokens": Double(s.tokens), "answer_tokens": Double(s.answerTokens), "tokens_per_s": Double(s.tokens) / max(dt, 1e-9),
            ]
            if let ul = s.unlikelihood { row["unlikelihood"] = Double(ul) }
            if let kl = s.klToBase { row["kl_to_base"] = Double(kl) }
            let step = session.step
            if (config.evalEvery > 0 && step % config.evalEvery == 0) || step == config.steps, !dataset.valid.isEmpty {
                row["eval_loss"] = try evalLoss()
            }
            try metrics.append(step: step, row)
            try metrics.plot(keys: ["loss", "eval_loss", "unlikelihood", "kl_to_base", "grad_norm", "lr", "tokens_per_s"], title: "SFT")
            if step % max(config.saveEvery, 1) == 0 || step == config.steps { try saveCheckpoint() }
            if showProgress { bar.update(step, String(format: "loss %.3f  %.0f tok/s", s.loss, Double(s.tokens) / max(dt, 1e-9))) }
        }
        if showProgress { bar.finish() }
        try writeAtomically(finalURL) { try session.save(to: $0) }
        let result = summary(started: started, finished: true)
        try result.write(to: output.appendingPathComponent("run.json"), recipe: recipe)
        return result
    }

    /// What one optimizer step did.
    public struct StepStats {
        public var loss: Float, unlikelihood: Float?, klToBase: Float?, gradNorm: Float, lr: Float, tokens: Int, answerTokens: Int
    }

    /// One optimizer step over `grad_accumulation` micro-batches: loss = CE(answer, SafeCoder weights)
    /// + unlikelihood_weight · UL(vulnerable spans) + kl_to_base · KL(π_θ ‖ π_base) on the answer positions;
    /// gradients are averaged over micro-batches.
    public func trainStep() throws -> StepStats {
        let model = session.model, k = config.gradAccumulation
        session.optimizer.zeroGrad()
        var ce: Float = 0, ul: Float = 0, ulCount = 0, kl: Float = 0, tokens = 0, answer = 0
        for m in 0..<k {
            let examples = dataset.batch(session.step * k + m, cache: &planCache).map { dataset.train[$0] }
            let (batch, n) = padBatch(examples)
            tokens += examples.reduce(0) { $0 + $1.length }
            answer += n
            let terms: (ce: Tensor, kl: Tensor?) = try config.klToBase > 0
                ? model.answerLossAndKLToBase(tokens: batch.tokens, targets: batch.targets, batch: batch.batch, weights: batch.weights)
                : (model.loss(tokens: batch.tokens, targets: batch.targets, batch: batch.batch, weights: batch.weights), nil)
            var loss = terms.ce
            ce += loss.item()
            if let term = terms.kl {
                kl += term.item()
                loss = try add(loss, scale(term, config.klToBase))
            }
            if config.unlikelihoodWeight > 0, let u = padUnlikely(examples) {
                let term = try model.unlikelihoodLoss(tokens: u.tokens, targets: u.targets, batch: u.batch)
                ul += term.item()
                ulCount += 1
                tokens += u.tokens.count
                loss = try add(loss, scale(term, config.unlikelihoodWeight))
            }
            try loss.backward(seed: 1 / Float(k))
        }
        let norm = config.maxGradNorm > 0 ? clipGradNorm(session.optimizer.parameters, maxNorm: config.maxGradNorm)
            : clipGradNorm(session.optimizer.parameters, maxNorm: .infinity)
        guard norm.isFinite else { throw LMError.nonFinite(step: session.step, detail: "gradient norm is \(norm)") }
        let lr = session.schedule(session.step)
        session.optimizer.step(lr: lr)
        session.step += 1
        return StepStats(loss: ce / Float(k), unlikelihood: config.unlikelihoodWeight > 0 ? ul / Float(max(ulCount, 1)) : nil,
                         klToBase: config.klToBase > 0 ? kl / Float(k) : nil, gradNorm: norm, lr: lr, tokens: tokens, answerTokens: answer)
    }

    /// Token-weighted mean answer cross-entropy (weights 1) on the first `eval_examples` valid examples.
    public func evalLoss() throws -> Double {
        let examples = Array(dataset.valid.prefix(max(config.evalExamples, 1))).sorted { $0.length < $1.length }
        var total = 0.0, count = 0
        try withNoGrad {
            for b in stride(from: 0, to: examples.count, by: config.batchSize) {
                let rows = examples[b..<min(examples.count, b + config.batchSize)].map {
                    var e = $0
                    e.weights = e.targets.map { $0 == SFTExample.ignore ? 0 : 1 }
                    return e
                }
                let (batch, n) = padBatch(rows)
                guard n > 0 else { continue }
                let loss = try session.model.loss(tokens: batch.tokens, targets: batch.targets, batch: batch.batch)
                total += Double(loss.item()) * Double(n)
                count += n
            }
        }
        return count > 0 ? total / Double(count) : .nan
    }

    // MARK: - Files

    /// Writes the checkpoint to a temporary name and renames it over the old one, so a kill
    /// mid-write leaves the previous checkpoint intact.
    public func saveCheckpoint() throws {
        try writeAtomically(checkpointURL) { try session.save(to: $0) }
    }

    func summary(started: Date, finished: Bool) -> SFTRunSummary {
        let rows = MetricsLog.read(metricsURL)
        return SFTRunSummary(steps: session.step, finished: finished, resumedFrom: resumedFrom,
                             wallSeconds: Date().timeIntervalSince(started),
                             tokensSeen: Int(rows.reduce(0) { $0 + ($1.values["tokens"] ?? 0) }),
                             trainExamples: dataset.train.count, validExamples: dataset.valid.count,
                             finalLoss: rows.last?.values["loss"], finalEvalLoss: rows.last(where: { $0.values["eval_loss"] != nil })?.values["eval_loss"])
    }
}

/// `run.json`: what a run did, next to its recipe.
public struct SFTRunSummary: Codable, Sendable {
    public var steps: Int
    public var finished: Bool
    public var resumedFrom: Int
    /// Wall time of this process (a resumed run counts only its own part).
    public var wallSeconds: Double
    /// Sequence tokens (prompt + answer, and unlikelihood rows) over all logged steps.
    public var tokensSeen: Int
    public var trainExamples: Int
    public var validExamples: Int
    public var finalLoss: Double?
    public var finalEvalLoss: Double?

    enum CodingKeys: String, CodingKey {
        case steps, finished, resumedFrom = "resumed_from", wallSeconds = "wall_seconds", tokensSeen = "tokens_seen"
        case trainExamples = "train_examples", validExamples = "valid_examples", finalLoss = "final_loss", finalEvalLoss = "final_eval_loss"
    }

    func write(to url: URL, recipe: Recipe) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let me = try JSONSerialization.jsonObject(with: enc.encode(self)) as! [String: Any]
        var o = me
        o["recipe"] = try JSONSerialization.jsonObject(with: enc.encode(recipe))
        try JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys]).write(to: url, options: .atomic)
    }
}

/// Writes through `write` to a temporary file beside `url`, then renames it over `url`: a kill leaves
/// either the old file or the new one, never a torn one. Both trainers' checkpoints go through it.
func writeAtomically(_ url: URL, _ write: (URL) throws -> Void) throws {
    let tmp = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".tmp")
    try write(tmp)
    guard rename(tmp.path, url.path) == 0 else {
        throw RecipeError(file: url.path, reason: "cannot rename \(tmp.lastPathComponent): \(String(cString: strerror(errno)))")
    }
}
