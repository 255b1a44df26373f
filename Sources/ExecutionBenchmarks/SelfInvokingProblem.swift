// A HumanEval-Pro / MBPP-Pro-style self-invoking problem: solve a base problem, then one that calls it.
import Foundation

/// One self-invoking problem, in the field layout of the HumanEval-Pro / MBPP-Pro releases (Yu et al.
/// 2024, "HumanEval Pro and MBPP Pro"): `raw_problem` is the original problem, `new_problem` a harder
/// one whose solution must call the raw one, and `test_code` asserts on the new function. The model is
/// shown both problems and answers with one program holding both functions; that program plus
/// `test_code` is run, and exit status 0 passes.
///
/// `id` may be a string (`HumanEvalPro/0`) or a number (MBPP's task ids); both read as a string. The
/// releases are one pretty-printed JSON array; JSONL works too (``ExecTaskSet/load(_:path:strict:)``).
public struct SelfInvokingProblem: Decodable, Sendable, Equatable {
    public var id: String
    public var rawProblem: String
    public var rawSolution: String?
    public var newProblem: String
    public var newSolution: String?
    public var testCode: String

    enum CodingKeys: String, CodingKey {
        case id, rawProblem = "raw_problem", rawSolution = "raw_solution", newProblem = "new_problem"
        case newSolution = "new_solution", testCode = "test_code"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let s = try? c.decode(String.self, forKey: .id) { id = s } else { id = String(try c.decode(Int.self, forKey: .id)) }
        rawProblem = try c.decode(String.self, forKey: .rawProblem)
        rawSolution = try c.decodeIfPresent(String.self, forKey: .rawSolution)
        newProblem = try c.decode(String.self, forKey: .newProblem)
        newSolution = try c.decodeIfPresent(String.self, forKey: .newSolution)
        testCode = try c.decode(String.self, forKey: .testCode)
    }

    /// The prompt: both problems, the base one first (a generating command wraps it in its chat template).
    public var prompt: String { rawProblem + "\n\n" + newProblem }

    /// A problem's reference program. The releases store a solution as the *body* that continues the
    /// problem's `def` line (`"    return …"`), so the program is problem + body; a solution that is
    /// already a whole program (its first line not indented) stands alone.
    static func program(_ problem: String, _ solution: String) -> String {
        let first = solution.split(separator: "\n", omittingEmptySubsequences: true).first ?? ""
        guard let c = first.first, c == " " || c == "\t" else { return solution }
        return problem + solution
    }

    public func task(line: Int) -> ExecTask {
        let canonical = newSolution.map { new in
            [rawSolution.map { Self.program(rawProblem, $0) }, Self.program(newProblem, new)].compactMap { $0 }.joined(separator: "\n\n")
        }
        return ExecTask(id: id, language: "python", cwe: nil, prompt: prompt, canonicalSolution: canonical,
                        check: .python(PythonCheck(test: testCode, entryPoint: nil, prependPrompt: false)), line: line)
    }
}
