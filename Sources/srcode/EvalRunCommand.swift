// `srcode eval run`: a model (or several) on a field benchmark (CyberSecEval, LLMSecEval), judged by the oracle and the ICD.
import ArgumentParser
import Evaluation
import Foundation
import LM
import ModelIO
import SRCodeData

struct EvalRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate models on a secure-code benchmark file, judged by the built-in oracle and Meta's Insecure Code Detector.",
        discussion: """
        Benchmarks (formats in Sources/Evaluation/Resources/benchmarks.json): \(BenchmarkFormat.all.map(\.name).joined(separator: ", ")).
        Each --model arm writes <out>/<label>/: samples.jsonl, icd.jsonl, benchmark.md/.json (rates with 95%
        bootstrap intervals, per CWE, judge agreement, BLEU). Several arms also get <out>/comparison.md,
        comparison.svg and paired.json (paired bootstrap and McNemar tests). Resumable: rerun the same
        command after an interruption. The ICD judge needs `codeshield` (scripts/setup.sh installs it in .venv;
        run with .venv/bin on PATH: `source scripts/env.sh`). It is evaluation-only, never a reward.
        """)

    @Option(help: "Benchmark format: \(BenchmarkFormat.all.map(\.name).joined(separator: ", ")).") var benchmark: String
    @Option(help: "The benchmark file (JSON array or JSONL).") var data: String
    @Option(help: "Judges, comma-separated: builtin, icd. Default: both when codeshield is installed.") var judge: String?
    @Option(name: .customLong("limit"), help: "Use only N rows that match --languages (the first N in a fixed order spread over the file).") var limit: Int?
    @Flag(help: "Re-scan the answers already generated with today's built-in oracle (after a rule change); the ICD verdicts are kept.")
    var rescore = false
    @OptionGroup var sampling: EvalSamplingOptions

    func run() async throws {
        guard let format = BenchmarkFormat.named(benchmark) else {
            throw ValidationError("unknown --benchmark \(benchmark); known: \(BenchmarkFormat.all.map(\.name).joined(separator: ", "))")
        }
        let specs = try sampling.specs()
        var dataset = try EvalDataset.load(benchmark: format, path: data, languages: try sampling.languageSet(), strict: sampling.strict)
        // Rows in a fixed pseudo-random order (a stable hash of the id): benchmark files are sorted by
        // language or CWE, so any prefix of this order, a --limit or a run cut short, is a spread sample.
        // The hash must be finalized: raw FNV-1a orders short ids by their length (CyberSecEval's C rows
        // have ids 0–227, its C++ rows 228+), which made the first 120 dev-half rows 65% C against 43%.
        dataset.records.sort { (StableHash.unit($0.id), $0.id) < (StableHash.unit($1.id), $1.id) }
        if let n = limit { dataset.records = Array(dataset.records.prefix(n)) }
        reportSkipped(dataset.skipped)
        let settings = sampling.settings(data: data, split: nil, promptsPerRecord: nil, defaultTemperature: 0.2, defaultSamples: 2)
        let (icd, notes) = try await judges()
        let bench = BenchmarkEval(format: format, dataset: dataset, settings: settings, icd: icd, notes: notes)
        bench.rescore = rescore
        let flat = specs.count == 1 && !(sampling.models.first?.contains("=") ?? false)
        var arms: [BenchmarkComparison.Arm] = []
        QuantizedMatrix.threads = max(1, sampling.threads)
        for spec in specs {
            let gen = try await sampling.sampleGenerator(for: spec, params: sampling.params(settings), defaultEngine: EvalSamplingOptions.fastest)
            let arm = try await bench.evaluate(label: spec.label, model: spec.spec, adapter: spec.adapter, generator: gen,
                                               outDir: flat ? sampling.out : sampling.out + "/" + spec.label)
            arms.append(arm)
            let r = arm.report
            print("\(r.label) on \(format.name): \(r.samples) samples; insecure builtin \(BenchmarkReport.ci(r.summary(.builtin)?.overall)), "
                  + "icd \(BenchmarkReport.ci(r.summary(.icd)?.overall)); compile \(BenchmarkReport.ci(r.compileRate))"
                  + (r.bleu.map { String(format: "; BLEU %.2f", $0) } ?? ""))
        }
        if arms.count > 1 {
            try BenchmarkComparison(arms: arms).write(to: sampling.out)
            print("comparison: \(sampling.out)/comparison.md, comparison.svg, paired.json")
        }
    }

    /// The ICD judge when asked for (or, by default, when installed), and notes on what is missing.
    func judges() async throws -> (ICDJudge?, [String]) {
        let asked = judge.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        if let asked, let bad = asked.first(where: { Judge(rawValue: $0) == nil }) {
            throw ValidationError("--judge: unknown judge \(bad) (builtin, icd)")
        }
        guard asked?.contains("icd") ?? true else { return (nil, ["ICD judge not requested (--judge \(judge ?? ""))"]) }
        switch await ICDJudge.available() {
        case .success(let j): return (j, [])
        case .failure(let why):
            if asked != nil { throw ValidationError("--judge icd: \(why)") }
            printError("warning: ICD judge unavailable: \(why); reporting the built-in oracle only")
            return (nil, ["ICD judge unavailable: \(why)"])
        }
    }
}

/// Prints the first skipped data lines (all of them are in the report).
func reportSkipped(_ skipped: [SkippedLine]) {
    for s in skipped.prefix(20) { printError("skipped \(s)") }
    if skipped.count > 20 { printError("… \(skipped.count - 20) more skipped lines") }
}
