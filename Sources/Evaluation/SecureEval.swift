// SecureEval: the `eval secure` loop for one model: prompts → k samples → code → oracle + compile check → samples.jsonl → report.
import Foundation
import Rewards
import SRCodeData
import SecurityOracle

/// Evaluates one model on held-out PrimeVul+ prompts.
///
/// ```swift
/// let data = try EvalDataset.load(path: "pvplus.jsonl", split: "test")
/// let gen = LMSampleGenerator(generator: try Generator.load(path: path), params: params)
/// let report = try await SecureEval(dataset: data, generator: gen, settings: settings, label: "base",
///                                   model: path, outDir: "out/base").run()
/// ```
/// The loop is rollout-free and stateless beyond `samples.jsonl`: see ``SampleStore`` for resume.
public final class SecureEval {
    /// One prompt to sample: its record, its index among the record's prompts, its place in the run.
    public struct Unit: Sendable {
        public var record: EvalRecord
        public var promptIndex: Int
        public var text: String
        /// Position of this prompt in the run; its sample j draws from stream `ordinal * k + j`.
        public var ordinal: Int
    }

    public let dataset: EvalDataset
    public let generator: SampleGenerator
    public let settings: EvalReport.Settings
    public let label: String
    public let model: String
    public let adapter: String?
    public let outDir: String
    public var showProgress = true
    /// Re-scan the answers already in `samples.jsonl` with today's built-in oracle before the report (after
    /// a rule change, to compare judges without generating again). Compile verdicts are kept.
    public var rescore = false
    let analyzer = BuiltinAnalyzer()

    public init(dataset: EvalDataset, generator: SampleGenerator, settings: EvalReport.Settings, label: String,
                model: String, adapter: String? = nil, outDir: String) {
        self.dataset = dataset
        self.generator = generator
        self.settings = settings
        self.label = label
        self.model = model
        self.adapter = adapter
        self.outDir = outDir
    }

    /// Every prompt of the run, in data order (the first `promptsPerRecord` non-empty prompts of each record).
    public var units: [Unit] {
        var out: [Unit] = []
        for r in dataset.records {
            let ps = r.prompts.enumerated().filter { !$0.element.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            for (i, p) in ps.prefix(settings.promptsPerRecord ?? Int.max) {
                out.append(Unit(record: r, promptIndex: i, text: p.text, ordinal: out.count))
            }
        }
        return out
    }

    // MARK: - Run

    /// Samples what `samples.jsonl` lacks, then writes `report.json` and `report.md` over all samples.
    public func run() async throws -> EvalReport {
        let k = settings.samplesPerPrompt
        guard k > 0 else { throw EvalError.invalid("--samples must be ≥ 1") }
        let all = units
        guard !all.isEmpty else { throw EvalError.noPrompts("\(settings.data) has no record with prompts in split \(settings.split ?? "any")") }
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let store = try SampleStore(path: outDir + "/samples.jsonl", samplesPerPrompt: k)
        if rescore {
            let languages = Dictionary(dataset.records.map { ($0.id, $0.language ?? .c) }, uniquingKeysWith: { a, _ in a })
            try store.rewrite { s in
                guard s.hasCode, Self.oracleLanguages.contains(languages[s.recordID] ?? .c) else { return }
                s.findings = analyzer.findings(in: s.code).map(SampleFinding.init)
            }
        }
        let todo = all.filter { !store.done.contains(SampleStore.key($0.record.id, $0.promptIndex)) }
        var progress = ProgressBar(total: all.count, done: all.count - todo.count, unit: "prompts", label: label, enabled: showProgress)
        let perBatch = max(1, settings.batchSize / k)
        let t0 = Date()
        var generated = 0
        var i = 0
        while i < todo.count {
            let batch = Array(todo[i..<min(todo.count, i + perBatch)])
            i += batch.count
            // Whole prompts per batch; contiguous ordinals share one generate call when they are adjacent.
            var texts: [GeneratedText] = []
            for run in Self.contiguousRuns(batch) {
                let prompts = run.flatMap { u in Array(repeating: u.text, count: k) }
                texts += try generator.generate(prompts: prompts, firstStream: run[0].ordinal * k)
            }
            guard texts.count == batch.count * k else { throw EvalError.invalid("generator returned \(texts.count) answers for \(batch.count * k) prompts") }
            var samples: [EvalSample] = []
            for (b, u) in batch.enumerated() {
                for j in 0..<k { samples.append(score(u, sample: j, texts[b * k + j])) }
            }
            if settings.compileCheck {
                await compile(&samples, cplusplus: batch.map { $0.record.language == .cpp },
                              skip: batch.map { !Self.oracleLanguages.contains($0.record.language ?? .c) }, k: k)
            }
            for b in 0..<batch.count { try store.append(prompt: Array(samples[b * k..<(b + 1) * k])) }
            generated += samples.count
            let vr = EvalMetrics(store.samples).vulnerabilityRate
            progress.update(all.count - todo.count + i, String(format: "vuln %.0f%%", vr * 100))
        }
        progress.finish()
        let minutes = Date().timeIntervalSince(t0) / 60
        let order = Dictionary(uniqueKeysWithValues: all.map { (SampleStore.key($0.record.id, $0.promptIndex), $0.ordinal) })
        // Report over this run's prompts only, in run order (a store may hold prompts of a wider earlier run).
        let samples = store.samples.filter { order[SampleStore.key($0.recordID, $0.promptIndex)] != nil }
            .sorted { (order[SampleStore.key($0.recordID, $0.promptIndex)]!, $0.sampleIndex) < (order[SampleStore.key($1.recordID, $1.promptIndex)]!, $1.sampleIndex) }
        let report = EvalReport(label: label, model: model, adapter: adapter, settings: settings, samples: samples,
                                skippedLines: dataset.skipped, samplesPerMinute: generated > 0 && minutes > 0 ? Double(generated) / minutes : nil)
        try report.write(to: outDir)
        return report
    }

    /// Splits a batch into runs of consecutive ordinals (one generate call each, so streams stay global).
    static func contiguousRuns(_ batch: [Unit]) -> [[Unit]] {
        var runs: [[Unit]] = []
        for u in batch {
            if let last = runs.last?.last, last.ordinal + 1 == u.ordinal { runs[runs.count - 1].append(u) } else { runs.append([u]) }
        }
        return runs
    }

    // MARK: - Scoring

    /// Extracts the code and scans it with the built-in oracle (compile check comes after, batched).
    func score(_ u: Unit, sample j: Int, _ g: GeneratedText) -> EvalSample {
        let rc = ResponseCode.extract(from: Array(g.text.utf8))
        let code = rc.found ? rc.code : ""
        // The built-in oracle reads C and C++ only: a Python answer gets no builtin verdict, not a C one.
        let findings = rc.found && Self.oracleLanguages.contains(u.record.language ?? .c) ? analyzer.findings(in: code).map(SampleFinding.init) : []
        return EvalSample(recordID: u.record.id, promptIndex: u.promptIndex, sampleIndex: j, cwe: u.record.primaryCWE,
                          prompt: u.text, text: g.text, code: code, hasCode: rc.found, findings: findings,
                          compiles: rc.found ? nil : false, compileErrors: [], tokens: g.tokens, finishReason: g.finishReason)
    }

    static let oracleLanguages: Set<Language> = [.c, .cpp]

    /// clang -fsyntax-only in the stub prelude for every sample with code, two at a time (the machine has 2 cores).
    /// Prompts marked in `skip` (not C or C++) keep `compiles = nil`.
    func compile(_ samples: inout [EvalSample], cplusplus: [Bool], skip: [Bool] = [], k: Int) async {
        for i in samples.indices where skip.indices.contains(i / k) && skip[i / k] { samples[i].compiles = nil }
        let jobs = samples.indices.filter { samples[$0].hasCode && !(skip.indices.contains($0 / k) && skip[$0 / k]) }
        var results: [Int: CompileResult] = [:]
        var next = 0
        await withTaskGroup(of: (Int, CompileResult).self) { group in
            func add() {
                guard next < jobs.count else { return }
                let idx = jobs[next], code = samples[idx].code, cpp = cplusplus[idx / k]
                next += 1
                group.addTask { (idx, await compileCheck(code, cplusplus: cpp)) }
            }
            add(); add()
            for await (idx, r) in group { results[idx] = r; add() }
        }
        for (idx, r) in results {
            samples[idx].compiles = r.checked ? r.compiles : nil
            samples[idx].compileErrors = Array(r.errors.prefix(5))
        }
    }
}
