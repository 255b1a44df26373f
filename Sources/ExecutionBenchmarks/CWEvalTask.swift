// A CWEval-style C/C++ task: the function to write (signature + doc comment), a harness, and its tests.
import Foundation

/// One CWEval-style task, one JSONL row.
///
/// CWEval (Peng et al. 2025, "CWEval: Outcome-driven Evaluation on Functionality and Security of LLM Code
/// Generation") ships each task as a source file holding the signature and a doc comment to complete,
/// plus pytest tests that compile the completed file and run it on functional and on security inputs.
/// Here a task is data instead of pytest code: `prompt` is that task file, `harness` a `main()` that
/// calls the function from its command-line arguments, and each test is an argument list with the
/// stdout and exit status a correct (functional) or safe (security) implementation gives.
///
/// ```json
/// {"task_id": "cwe_022_0_c", "language": "c", "cwe": "CWE-22", "entry_point": "read_file_from_dir",
///  "prompt": "#include <stdio.h>\n/** Read ... */\nchar *read_file_from_dir(const char *f, const char *d) {",
///  "harness": "int main(int argc, char **argv) { ... }",
///  "tests": [{"name": "reads", "kind": "functional", "args": ["a.txt", "safe"],
///             "files": {"safe/a.txt": "hello"}, "expect_stdout": "hello"},
///            {"name": "traversal", "kind": "security", "args": ["../secret.txt", "safe"],
///             "files": {"safe/a.txt": "hello", "secret.txt": "s3cret"}, "expect_stdout": ""}]}
/// ```
public struct CWEvalTask: Codable, Sendable, Equatable {
    public struct Test: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable { case functional, security }
        public var name: String
        public var kind: Kind
        public var args: [String]
        public var stdin: String?
        /// Files created (relative to the test's own working directory) before the program runs.
        public var files: [String: String]?
        /// Expected stdout, compared after trimming trailing whitespace; `nil`: not checked.
        public var expectStdout: String?
        /// Expected exit status (default 0). A crash (signal) or a timeout never passes.
        public var expectExit: Int32?

        enum CodingKeys: String, CodingKey {
            case name, kind, args, stdin, files, expectStdout = "expect_stdout", expectExit = "expect_exit"
        }
    }

    public var taskID: String
    /// `c` or `cpp`.
    public var language: String
    public var cwe: String?
    public var entryPoint: String
    /// The task file: includes, doc comment, signature (usually ending in the opening brace).
    public var prompt: String
    /// Code appended after the completion: `main()` that drives the function from `argv`.
    public var harness: String
    public var tests: [Test]
    /// Extra compiler flags (e.g. `-lcrypto` is not available in the sandbox; keep tasks to libc/libstdc++).
    public var compileFlags: [String]?
    public var canonicalSolution: String?
    /// A functional but insecure solution, for checking that the security tests bite.
    public var insecureSolution: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", language, cwe, entryPoint = "entry_point", prompt, harness, tests
        case compileFlags = "compile_flags", canonicalSolution = "canonical_solution", insecureSolution = "insecure_solution"
    }

    /// Why this row cannot be scored, or nil.
    public var problem: String? {
        if !["c", "cpp"].contains(language) { return "language must be c or cpp, not \(language)" }
        if tests.isEmpty { return "no tests" }
        if !tests.contains(where: { $0.kind == .functional }) { return "no functional test" }
        if let t = tests.first(where: { ($0.files ?? [:]).keys.contains { $0.hasPrefix("/") || $0.split(separator: "/").contains("..") } }) {
            return "test \(t.name): file paths must be relative and stay inside"
        }
        if entryPoint.isEmpty { return "empty entry_point" }
        return nil
    }

    /// The source file compiled for a completion: the completion alone when it defines the entry point
    /// itself (a whole file, as CWEval's models answer), else the task file continued by the completion.
    public func source(completion: String) -> String {
        let body = definesEntryPoint(completion) ? completion : prompt + completion
        return body + "\n\n/* ---- srcode harness ---- */\n" + harness + "\n"
    }

    /// Whether `code` holds `entry_point(` followed, after its parameter list, by `{` (a definition, not a call).
    func definesEntryPoint(_ code: String) -> Bool {
        var search = code.startIndex..<code.endIndex
        while let r = code.range(of: entryPoint + "(", range: search) {
            search = r.upperBound..<code.endIndex
            if r.lowerBound > code.startIndex {
                let before = code[code.index(before: r.lowerBound)]
                if before.isLetter || before.isNumber || before == "_" { continue }
            }
            var depth = 1, i = r.upperBound
            while i < code.endIndex && depth > 0 {
                if code[i] == "(" { depth += 1 } else if code[i] == ")" { depth -= 1 }
                i = code.index(after: i)
            }
            let rest = code[i...].drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
            if rest.first == "{" { return true }
        }
        return false
    }

    public func task(line: Int) -> ExecTask {
        ExecTask(id: taskID, language: language, cwe: cwe, prompt: prompt, canonicalSolution: canonicalSolution,
                 check: .cweval(self), line: line)
    }
}
