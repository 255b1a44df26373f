// `srcode eval secure|compare`: sample held-out PrimeVul+ prompts, score them with the oracle, compare models.
import ArgumentParser
import Evaluation
import Foundation
import LM
import ModelIO
import SRCodeData

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate models on held-out PrimeVul+ prompts: vulnerability, compile and no-code rates, per CWE.",
        subcommands: [EvalSecureCommand.self, EvalCompareCommand.self, EvalExecCommand.self]
    )
}

struct EvalSecureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secure",
        abstract: "Generate k samples per held-out implicit prompt, scan and compile-check them, report overall and per CWE.",
        discussion: """
        Resumable: rerunning the same command skips the prompts already in <out>/samples.jsonl.
        Several --model arms (label=spec[@adapter.safetensors]) are evaluated one after the other, each in
        <out>/<label>/, and tabled in <out>/comparison.md and <out>/comparison.svg.
        """)

    @Option(name: .customLong("model"), help: "[label=]spec[@adapter.safetensors]; spec is an alias (qwen2.5-coder-0.5b, smollm2), GGUF path or HF dir. Repeatable.")
    var models: [String] = []
    @Option(help: "PrimeVul+ JSONL (from `srcode vul2safe build`).") var data: String
    @Option(help: "Output folder.") var out: String
    @Option(help: "Use records whose split is this ('all' = every record).") var split: String = "test"
    @Option(help: "Record statuses to use, comma-separated ('any' = all).") var status: String = "accepted"
    @Option(help: "Record languages to use, comma-separated ('any' = all; the oracle analyzes c and cpp).") var languages: String = "c,cpp"
    @Option(name: .customLong("samples"), help: "Samples per prompt (k).") var samples: Int = 4
    @Option(name: .customLong("prompts-per-record"), help: "Use only the first N prompts of each record.") var promptsPerRecord: Int?
    @Option(name: .customLong("max-records"), help: "Use only the first N matching records.") var maxRecords: Int?
    @Option(help: "Sampling temperature (0 = greedy).") var temperature: Float = 0.4
    @Option(name: .customLong("top-p"), help: "Nucleus probability mass.") var topP: Float = 0.95
    @Option(name: .customLong("max-tokens"), help: "Tokens to generate at most per sample.") var maxTokens: Int = 512
    @Option(help: "Random seed (sample j of prompt i draws from stream seed + i*k + j).") var seed: UInt64 = 0
    @Option(help: "Sequences per generate call (whole prompts: batch/k prompts at a time).") var batch: Int = 8
    @Option(help: "Matmul threads.") var threads: Int = 2
    @Option(help: "f32: batched sampling on the dequantized model (fast for many samples); quantized: the GGUF decoder.")
    var engine: Engine = .f32

    enum Engine: String, ExpressibleByArgument { case f32, quantized }
    @Flag(name: .customLong("no-compile"), help: "Skip the clang compile check.") var noCompile = false
    @Flag(help: "Fail on the first bad data line instead of skipping it.") var strict = false

    func run() async throws {
        let specs = try (models.isEmpty ? [EmbeddedModel.default.name] : models).map { try ModelSpec(parsing: $0) }
        guard Set(specs.map(\.label)).count == specs.count else { throw ValidationError("--model labels must be distinct: \(specs.map(\.label))") }
        guard samples >= 1, batch >= 1, maxTokens >= 1 else { throw ValidationError("--samples, --batch and --max-tokens must be ≥ 1") }
        if temperature == 0 && samples > 1 { printError("warning: temperature 0 makes the \(samples) samples of a prompt identical") }
        var dataset = try EvalDataset.load(path: data, split: split == "all" ? nil : split,
                                           statuses: status == "any" ? nil : Set(status.split(separator: ",").map(String.init)),
                                           languages: try languageSet(), strict: strict)
        if let n = maxRecords { dataset.records = Array(dataset.records.prefix(n)) }
        for s in dataset.skipped.prefix(20) { printError("skipped \(s)") }
        if dataset.skipped.count > 20 { printError("… \(dataset.skipped.count - 20) more skipped lines (listed in report.md)") }
        let settings = EvalReport.Settings(
            data: data, split: split == "all" ? nil : split, samplesPerPrompt: samples, promptsPerRecord: promptsPerRecord,
            seed: seed, temperature: temperature, topP: topP, maxTokens: maxTokens, batchSize: batch, compileCheck: !noCompile,
            languages: try languageSet()?.map(\.rawValue).sorted())
        let params = SamplingParams(temperature: temperature, topP: topP, maxTokens: maxTokens, seed: seed)
        // One model with no label writes straight into --out; arms get a folder each.
        let flat = specs.count == 1 && !(models.first?.contains("=") ?? false)
        var reports: [EvalReport] = []
        QuantizedMatrix.threads = max(1, threads)
        for spec in specs {
            let path = try await resolveModel(spec.spec)
            let eval = SecureEval(dataset: dataset, generator: try sampleGenerator(path: path, adapter: spec.adapter, params: params),
                                  settings: settings, label: spec.label, model: spec.spec, adapter: spec.adapter,
                                  outDir: flat ? out : out + "/" + spec.label)
            let r = try await eval.run()
            reports.append(r)
            printSummary(r)
        }
        if reports.count > 1 {
            try ModelComparison(reports: reports).write(to: out)
            print("comparison: \(out)/comparison.md, \(out)/comparison.svg")
        }
    }

    func languageSet() throws -> Set<Language>? {
        guard languages != "any" else { return nil }
        return Set(try languages.split(separator: ",").map { name in
            guard let l = Language(rawValue: String(name)) else { throw ValidationError("--languages: unknown language \(name)") }
            return l
        })
    }

    /// The base model, with a training checkpoint (LoRA tensors or full weights) applied when given.
    /// The sampler for one arm: the F32 model with the adapter folded in (default), or the quantized
    /// decoder with the adapter merged into its projections.
    func sampleGenerator(path: String, adapter: String?, params: SamplingParams) throws -> SampleGenerator {
        switch engine {
        case .quantized:
            return LMSampleGenerator(generator: try Generator.load(path: path, adapter: adapter), params: params)
        case .f32:
            let model = try LlamaModel.load(path: path)
            if let adapter { try model.fold(checkpoint: adapter) }
            return PolicySampleGenerator(model: model, generator: try Generator.load(path: path), params: params, batchSize: batch)
        }
    }
}

/// One line per model: the headline rates.
func printSummary(_ r: EvalReport) {
    let m = r.overall
    print(String(format: "%@: %d samples (%d prompts, %d records): vulnerability %.1f%%, compile %@, no code %.1f%%, %.2f findings/sample",
                 r.label, m.samples, m.prompts, m.records, m.vulnerabilityRate * 100,
                 m.compileRate.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a", m.noCodeRate * 100, m.findingsPerSample)
          + (r.samplesPerMinute.map { String(format: ", %.1f samples/min", $0) } ?? ""))
}

struct EvalCompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Table several `eval secure` results (folders holding report.json) side by side.")
    @Argument(help: "Folders (or report.json files) of evaluated models, in table order.") var dirs: [String]
    @Option(help: "Where comparison.md and comparison.svg go.") var out: String = "."

    func run() async throws {
        guard !dirs.isEmpty else { throw ValidationError("give at least one folder with a report.json") }
        let cmp = ModelComparison(reports: try dirs.map { try EvalReport.read(dir: $0) })
        for m in cmp.mismatches { printError("warning: \(m)") }
        try cmp.write(to: out)
        print(cmp.markdown())
    }
}
