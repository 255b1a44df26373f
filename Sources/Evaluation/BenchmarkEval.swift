// BenchmarkEval: one model on one benchmark: generate (resumable), judge with the built-in oracle and the ICD, report.
import Foundation
import SRCodeData

/// Runs the `eval run` pipeline for one model arm.
///
/// ```swift
/// let data = try EvalDataset.load(benchmark: .named("llmseceval")!, path: file)
/// let bench = BenchmarkEval(format: fmt, dataset: data, settings: settings, icd: try? await ICDJudge.available().get())
/// let arm = try await bench.evaluate(label: "base", model: "qwen2.5-coder-0.5b", adapter: nil, generator: gen, outDir: "out/base")
/// ```
/// Generation is ``SecureEval``'s (samples.jsonl, whole prompts appended and fsynced), and ICD
/// verdicts go to an append-only icd.jsonl, so a killed run resumes where it stopped in either phase.
public final class BenchmarkEval {
    public let format: BenchmarkFormat
    public let dataset: EvalDataset
    public let settings: EvalReport.Settings
    public let icd: ICDJudge?
    /// Shown in every report (why a judge is missing, what was cut).
    public var notes: [String]
    public var showProgress = true
    /// Re-scan stored answers with today's built-in oracle (``SecureEval/rescore``).
    public var rescore = false

    public init(format: BenchmarkFormat, dataset: EvalDataset, settings: EvalReport.Settings, icd: ICDJudge?, notes: [String] = []) {
        self.format = format
        self.dataset = dataset
        self.settings = settings
        self.icd = icd
        self.notes = notes
        if !dataset.skipped.isEmpty {
            self.notes.append("\(dataset.skipped.count) data row(s) skipped: " + dataset.skipped.prefix(20).map(\.description).joined(separator: "; "))
        }
    }

    public func evaluate(label: String, model: String, adapter: String?, generator: SampleGenerator,
                         outDir: String) async throws -> BenchmarkComparison.Arm {
        let eval = SecureEval(dataset: dataset, generator: generator, settings: settings, label: label, model: model,
                              adapter: adapter, outDir: outDir)
        eval.showProgress = showProgress
        eval.rescore = rescore
        _ = try await eval.run()
        let keys = Set(eval.units.map { SampleStore.key($0.record.id, $0.promptIndex) })
        let samples = try SampleStore(path: outDir + "/samples.jsonl", samplesPerPrompt: settings.samplesPerPrompt)
            .samples.filter { keys.contains(SampleStore.key($0.recordID, $0.promptIndex)) }
        let records = Dictionary(dataset.records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var verdicts: [String: ICDVerdict] = [:]
        if let icd {
            let store = try VerdictStore(path: outDir + "/icd.jsonl")
            var bar = ProgressBar(total: samples.count, done: samples.filter { store.verdicts[ICDJudge.key($0)] != nil }.count,
                                  unit: "samples", label: "\(label) icd", enabled: showProgress)
            try await icd.judge(samples, records: records, store: store) { bar.update($0, "") }
            bar.finish()
            verdicts = store.verdicts
        }
        let judged = JudgedSamples(samples: samples, icd: verdicts, records: records)
        var notes = self.notes
        let failed = samples.filter { icd != nil && verdicts[ICDJudge.key($0)]?.isInsecure == nil }.count
        if failed > 0 { notes.append("the ICD gave no verdict on \(failed) sample(s); they are left out of its rate") }
        let report = BenchmarkReport(benchmark: format.name, label: label, model: model, adapter: adapter, settings: settings,
                                     judged: judged, notes: notes)
        try report.write(to: outDir)
        return BenchmarkComparison.Arm(report: report, judged: judged)
    }
}
