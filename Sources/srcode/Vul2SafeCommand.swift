// `srcode vul2safe …`: build PrimeVul+ records from vulnerability-fix pairs with a teacher LLM.
import ArgumentParser
import Foundation
import SRCodeData
import SecurityOracle
import Vul2Safe

struct Vul2SafeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vul2safe",
        abstract: "Build PrimeVul+: teacher self-reflection, objective gates and implicit prompts.",
        subcommands: [Build.self]
    )

    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build PrimeVul+ records (resumable: rerun the same command to continue).")

        @Option(help: "VulnerabilityPair JSONL (from `srcode data import`).") var input: String
        @Option(help: "Output directory (records/, primevul_plus.jsonl, rejected.jsonl, summary.*).") var out: String
        @Option(help: "OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1.") var teacher: String?
        @Option(help: "Teacher model name.") var model: String = "default"
        @Option(help: "Environment variable holding the API key.") var apiKeyEnv: String = "OPENAI_API_KEY"
        @Flag(help: "No teacher: official fix as repair (if it passes the gates), offline prompts.") var offline = false
        @Option(help: "Maximum reflection rounds (K).") var rounds: Int = 2
        @Option(help: "Implicit prompts per accepted pair.") var promptsPerPair: Int = 4
        @Option(help: "Prompt style: project (rebuild the project function), short-task (short self-contained tasks with the same pattern) or pattern (short tasks of the pair's flaw family, from Resources/pattern-tasks.json, no teacher).")
        var promptStyle: String = "project"
        @Option(help: "Pairs and teacher requests in flight.") var concurrency: Int = 2
        @Option(help: "Teacher request starts per second (0 = unlimited).") var rate: Double = 0
        @Option(help: "Teacher sampling seed.") var seed: Int = 0
        @Option(help: "Teacher temperature.") var temperature: Double = 0.2
        @Option(help: "Teacher max tokens per reply.") var maxTokens: Int = 768
        @Option(help: "Per-request timeout, seconds.") var timeout: Double = 300
        @Option(help: "Retries per request on 429/5xx/timeouts/broken streams.") var retries: Int = 4
        @Flag(help: "Use streaming (SSE) requests.") var stream = false
        @Option(help: "Process only the first N pairs.") var limit: Int?
        @Option(help: "Comma-separated languages to build (e.g. c,cpp); all when omitted.") var languages: String?
        @Flag(help: "Compile, oracle and overlap gates must pass, not merely be skipped.") var strict = false
        @Option(help: "Minimum confidence to accept.") var minConfidence: Double = 0.5
        @Option(help: "JSON object {id or project/commit: split} overriding the hash split.") var splitFile: String?
        @Option(help: "Directory of prompt templates overriding the bundled ones.") var prompts: String?
        @Option(help: "Response cache directory (default: <out>/cache).") var cache: String?
        @Flag(help: "No progress bar.") var quiet = false

        func run() async throws {
            var options = BuildOptions(input: input, outDirectory: out)
            options.rounds = rounds
            options.promptsPerPair = promptsPerPair
            options.concurrency = concurrency
            options.limit = limit
            options.languages = try languages.map(Self.parseLanguages)
            options.offline = offline
            guard let style = PromptStyle(rawValue: promptStyle) else {
                throw ValidationError("--prompt-style must be one of \(PromptStyle.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.promptStyle = style
            options.policy = AcceptancePolicy(minConfidence: minConfidence, strict: strict)
            options.sampling = Sampling(temperature: temperature, maxTokens: maxTokens, seed: seed)
            options.splitFile = splitFile
            options.progress = !quiet

            var client: OpenAITeacher?
            if !offline {
                guard let teacher else { throw ValidationError("give --teacher URL, or --offline") }
                var s = TeacherSettings(baseURL: teacher, model: model)
                s.apiKeyEnv = apiKeyEnv
                s.temperature = temperature
                s.maxTokens = maxTokens
                s.seed = seed
                s.stream = stream
                s.requestTimeout = timeout
                s.maxRetries = retries
                s.concurrency = concurrency
                s.requestsPerSecond = rate
                s.cacheDirectory = cache ?? "\(out)/cache"
                client = try OpenAITeacher(settings: s)
            }

            // The security oracle's built-in analyzer decides the two oracle gates (flaw gone, nothing new and high).
            let findingSource: (any FindingSource)? = AnalyzerFindingSource(analyzer: BuiltinAnalyzer())
            let gates = GateEvaluator(findingSource: findingSource, compileChecker: ClangCompileChecker())

            let builder = try Vul2SafeBuilder(options: options, teacher: client, gates: gates,
                                              prompts: try PromptLibrary(directory: prompts), clientMeter: client?.meter)
            let summary = try await builder.run()
            print(summary.text)
        }

        static func parseLanguages(_ list: String) throws -> Set<Language> {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            return Set(try names.map { name in
                guard let l = Language(rawValue: name == "c++" ? "cpp" : name) else {
                    throw ValidationError("--languages: unknown language '\(name)' (known: \(Language.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return l
            })
        }
    }
}
