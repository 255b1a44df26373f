// `srcode eval secure|compare` (and the shared sampling options of `eval run`): sample, score with the oracle, compare models.
import ArgumentParser
import Evaluation
import Foundation
import LM
import ModelIO
import SRCodeData
import Tensor

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate models: field benchmarks (run), held-out PrimeVul+ prompts (secure), execution benchmarks (complete: generate and run; exec: run given completions), and side-by-side tables (compare).",
        subcommands: [EvalRunCommand.self, EvalSecureCommand.self, EvalCompareCommand.self, EvalExecCommand.self, EvalCompleteCommand.self]
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

    @Option(help: "PrimeVul+ JSONL (from `srcode vul2safe build`).") var data: String
    @Option(help: "Use records whose split is this ('all' = every record).") var split: String = "test"
    @Option(help: "Record statuses to use, comma-separated ('any' = all).") var status: String = "accepted"
    @Option(name: .customLong("prompts-per-record"), help: "Use only the first N prompts of each record.") var promptsPerRecord: Int?
    @Option(name: .customLong("max-records"), help: "Use only the first N matching records.") var maxRecords: Int?
    @OptionGroup var sampling: EvalSamplingOptions

    func run() async throws {
        let specs = try sampling.specs()
        var dataset = try EvalDataset.load(path: data, split: split == "all" ? nil : split,
                                           statuses: status == "any" ? nil : Set(status.split(separator: ",").map(String.init)),
                                           languages: try sampling.languageSet(), strict: sampling.strict)
        if let n = maxRecords { dataset.records = Array(dataset.records.prefix(n)) }
        reportSkipped(dataset.skipped)
        let settings = sampling.settings(data: data, split: split == "all" ? nil : split, promptsPerRecord: promptsPerRecord,
                                         defaultTemperature: 0.4, defaultSamples: 4)
        // One model with no label writes straight into --out; arms get a folder each.
        let flat = specs.count == 1 && !(sampling.models.first?.contains("=") ?? false)
        var reports: [EvalReport] = []
        QuantizedMatrix.threads = max(1, sampling.threads)
        for spec in specs {
            let eval = SecureEval(dataset: dataset, generator: try await sampling.sampleGenerator(for: spec, params: sampling.params(settings)),
                                  settings: settings, label: spec.label, model: spec.spec, adapter: spec.adapter,
                                  outDir: flat ? sampling.out : sampling.out + "/" + spec.label)
            let r = try await eval.run()
            reports.append(r)
            printSummary(r)
        }
        if reports.count > 1 {
            try ModelComparison(reports: reports).write(to: sampling.out)
            print("comparison: \(sampling.out)/comparison.md, \(sampling.out)/comparison.svg")
        }
    }
}

/// The options every generating evaluation shares: models, sampling, engine, output.
struct EvalSamplingOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: "[label=]spec[@adapter.safetensors]; spec is an alias (qwen2.5-coder-0.5b, smollm2), GGUF path or HF dir, or openai:URL[#model] for any OpenAI-compatible endpoint (e.g. openai:http://127.0.0.1:8000/v1). Repeatable.")
    var models: [String] = []
    @Option(help: "Output folder.") var out: String
    @Option(help: "Languages to use, comma-separated ('any' = all; the built-in oracle analyzes c and cpp).") var languages: String = "c,cpp"
    @Option(name: .customLong("samples"), help: "Samples per prompt (k). Default: 4 for `secure`, 2 for `run`.") var samples: Int?
    @Option(help: "Sampling temperature (0 = greedy). Default: 0.4 for `secure`, 0.2 for `run` (as the benchmarks' papers).") var temperature: Float?
    @Option(name: .customLong("top-p"), help: "Nucleus probability mass.") var topP: Float = 0.95
    @Option(name: .customLong("max-tokens"), help: "Tokens to generate at most per sample.") var maxTokens: Int = 512
    @Option(help: "Random seed (sample j of prompt i draws from stream seed + i*k + j).") var seed: UInt64 = 0
    @Option(help: "Sequences per generate call (whole prompts: batch/k prompts at a time).") var batch: Int = 8
    @Option(help: "Matmul threads.") var threads: Int = 2
    @Option(help: "policy: batched sampling on the trainable model dequantized from the file, its GEMMs at --precision, an adapter as a Float32 side path, as RL rollouts sample (default of `secure`, and of `run` and `complete` where bf16 runs); quantized: the GGUF decoder's batched kernels, the adapter merged (default of `run` and `complete` elsewhere); f32: policy at Float32.")
    var engine: Engine?
    @Option(help: "The policy engine's GEMMs against the frozen weights: auto (bf16 where the CPU has AVX512-BF16 and oneDNN is installed), bf16, f32.")
    var precision: ComputePrecision = .auto
    @Flag(name: .customLong("no-compile"), help: "Skip the clang compile check.") var noCompile = false
    @Flag(help: "Fail on the first bad data line instead of skipping it.") var strict = false

    enum Engine: String, ExpressibleByArgument { case policy, f32, quantized }

    /// The faster engine for long answers on this machine: the policy model where its GEMMs run in bf16
    /// (about 1.5× the quantized decoder on evaluation answers, docs/EVALUATION.md "Engines"), else the
    /// quantized decoder, which reads a quarter of Float32's bytes.
    static var fastest: Engine { ComputePrecision.auto.resolved == .bf16 ? .policy : .quantized }

    func specs() throws -> [ModelSpec] {
        let specs = try (models.isEmpty ? [EmbeddedModel.default.name] : models).map { try ModelSpec(parsing: $0) }
        guard Set(specs.map(\.label)).count == specs.count else { throw ValidationError("--model labels must be distinct: \(specs.map(\.label))") }
        guard (samples ?? 1) >= 1, batch >= 1, maxTokens >= 1 else { throw ValidationError("--samples, --batch and --max-tokens must be ≥ 1") }
        return specs
    }

    func settings(data: String, split: String?, promptsPerRecord: Int?, defaultTemperature: Float, defaultSamples: Int) -> EvalReport.Settings {
        let t = temperature ?? defaultTemperature, k = samples ?? defaultSamples
        if t == 0 && k > 1 { printError("warning: temperature 0 makes the \(k) samples of a prompt identical") }
        return EvalReport.Settings(
            data: data, split: split, samplesPerPrompt: k, promptsPerRecord: promptsPerRecord, seed: seed, temperature: t,
            topP: topP, maxTokens: maxTokens, batchSize: batch, compileCheck: !noCompile,
            languages: (try? languageSet())??.map(\.rawValue).sorted())
    }

    func params(_ s: EvalReport.Settings) -> SamplingParams {
        SamplingParams(temperature: s.temperature, topP: s.topP, maxTokens: s.maxTokens, seed: s.seed)
    }

    func languageSet() throws -> Set<Language>? {
        guard languages != "any" else { return nil }
        return Set(try languages.split(separator: ",").map { name in
            guard let l = Language(rawValue: String(name)) else { throw ValidationError("--languages: unknown language \(name)") }
            return l
        })
    }

    /// The sampler for one `--model` arm: an OpenAI-compatible endpoint for `openai:URL[#model]`
    /// (`--batch` requests in flight), else the model file resolved and loaded as below.
    func sampleGenerator(for spec: ModelSpec, params: SamplingParams, defaultEngine: Engine = .policy,
                         stopRule: StopRule? = nil, answerPrefix: String = "") async throws -> SampleGenerator {
        if let (url, model) = OpenAISampleGenerator.parse(spec: spec.spec) {
            guard spec.adapter == nil else { throw ValidationError("--model \(spec.label): an endpoint serves its own weights; drop @adapter") }
            guard stopRule == nil, answerPrefix.isEmpty else {
                throw ValidationError("--model \(spec.label): this benchmark pre-fills the answer, which a chat endpoint cannot continue")
            }
            return OpenAISampleGenerator(baseURL: url, model: model, params: params, concurrency: batch)
        }
        return try sampleGenerator(path: try await resolveModel(spec.spec), adapter: spec.adapter, params: params,
                                   defaultEngine: defaultEngine, stopRule: stopRule, answerPrefix: answerPrefix)
    }

    /// The sampler for one arm: the policy model, frozen, its adapter's LoRA pairs beside the base (a full
    /// checkpoint loaded), or the quantized decoder with the adapter merged into its projections.
    func sampleGenerator(path: String, adapter: String?, params: SamplingParams, defaultEngine: Engine = .policy,
                         stopRule: StopRule? = nil, answerPrefix: String = "") throws -> SampleGenerator {
        let chosen = engine ?? defaultEngine
        switch chosen {
        case .quantized:
            printError("eval: sampling on the quantized decoder" + (adapter == nil ? "" : " (adapter merged)"))
            let g = LMSampleGenerator(generator: try Generator.load(path: path, adapter: adapter), params: params)
            g.stopRule = stopRule
            g.answerPrefix = answerPrefix
            return g
        case .policy, .f32:
            let model = try LlamaModel.load(path: path)
            let requested: ComputePrecision = chosen == .f32 ? .f32 : precision
            let runs = try model.prepareForSampling(adapter: adapter, precision: requested)
            printError("eval: sampling on the policy model, " + requested.summary(runs: runs)
                       + (adapter == nil ? "" : "; adapter as a Float32 side path"))
            let g = PolicySampleGenerator(model: model, generator: try Generator.load(path: path), params: params, batchSize: batch)
            g.stopRule = stopRule
            g.answerPrefix = answerPrefix
            return g
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

extension ComputePrecision: ExpressibleByArgument {}
