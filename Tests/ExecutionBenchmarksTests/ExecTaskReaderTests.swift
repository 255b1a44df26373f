// The three problem formats: rows map to tasks, bad rows are file:line: reason, --strict throws, .gz reads.
import Foundation
import Sandbox
import SRCodeData
import Testing
@testable import ExecutionBenchmarks

@Suite("Execution benchmark readers") struct ExecTaskReaderTests {
    @Test func readsHumanEvalAndReportsBadRows() throws {
        let set = try ExecTaskSet.load(.humaneval, path: Fixture.path("humaneval.jsonl"))
        #expect(set.tasks.map(\.id) == ["Fixture/0", "Fixture/1", "Fixture/2"])
        #expect(set.tasks[0].canonicalSolution == "    return a + b\n")
        #expect(set.skipped.map(\.line) == [4, 5, 6])
        #expect(set.skipped[0].reason.contains("entry_point"))
        #expect(set.skipped[1].reason.contains("invalid JSON") || set.skipped[1].reason.contains("not a HumanEval"))
        #expect(set.skipped[2].reason.contains("duplicate task id Fixture/0"))
        #expect(set.skipped[0].description.hasPrefix(Fixture.path("humaneval.jsonl") + ":4: "))
    }

    @Test func strictStopsAtTheFirstBadRow() {
        #expect(throws: DataError.self) { try ExecTaskSet.load(.humaneval, path: Fixture.path("humaneval.jsonl"), strict: true) }
        #expect(throws: DataError.self) { try ExecTaskSet.load(.cweval, path: Fixture.path("cweval.jsonl"), strict: true) }
    }

    @Test func readsGzippedHumanEval() throws {
        let gz = Fixture.tempPath("he.jsonl.gz")
        defer { try? FileManager.default.removeItem(atPath: gz) }
        let r = try HostProcess.run(["gzip", "-c", Fixture.path("humaneval.jsonl")], stdoutPath: gz)
        #expect(r.status == 0)
        let set = try ExecTaskSet.load(.humaneval, path: gz)
        #expect(set.tasks.count == 3)
        #expect(set.skipped.first?.file == gz)
        #expect(throws: DataError.self) { try ExecTaskSet.load(.humaneval, path: Fixture.path("humaneval.jsonl") + ".missing.gz") }
    }

    @Test func buildsHumanEvalsProgramByteForByte() throws {
        let t = try ExecTaskSet.load(.humaneval, path: Fixture.path("humaneval.jsonl")).tasks[0]
        guard case .python(let check) = t.check else { Issue.record("not python"); return }
        let p = check.program(prompt: t.prompt, completion: "    return a + b\n")
        #expect(p == t.prompt + "    return a + b\n" + "\n" + check.test + "\n" + "check(add)\n")
    }

    @Test func readsSelfInvokingProblems() throws {
        let set = try ExecTaskSet.load(.humanevalPro, path: Fixture.path("humaneval-pro.jsonl"))
        #expect(set.tasks.map(\.id) == ["Pro/0", "7"])
        #expect(set.tasks[0].prompt.contains("def square") && set.tasks[0].prompt.contains("def sum_of_squares"))
        #expect(set.tasks[0].canonicalSolution?.contains("return x * x") == true)
        #expect(set.skipped.count == 1 && set.skipped[0].line == 3)
        guard case .python(let check) = set.tasks[0].check else { Issue.record("not python"); return }
        #expect(!check.prependPrompt && check.entryPoint == nil)
    }

    /// The HumanEval-Pro / MBPP-Pro releases: one pretty-printed JSON array, numeric ids, solutions
    /// stored as bodies that continue the problem's `def` line. A bad row is reported at the line it starts on.
    @Test func readsTheReleasesJSONArrayLayout() throws {
        let set = try ExecTaskSet.load(.humanevalPro, path: Fixture.path("humaneval-pro-array.json"))
        #expect(set.tasks.map(\.id) == ["11", "12"])
        #expect(set.tasks.map(\.line) == [2, 10])
        #expect(set.skipped.count == 1 && set.skipped[0].line == 18 && set.skipped[0].reason.contains("missing field"))
        let canonical = set.tasks[0].canonicalSolution ?? ""
        #expect(canonical.hasPrefix("# Write a function that returns the digits") && canonical.contains("def digits(n):\n    return [int(c)"))
        #expect(canonical.contains("def digit_total(numbers):\n    return sum("))
        #expect(throws: DataError.self) { try ExecTaskSet.load(.humanevalPro, path: Fixture.path("humaneval-pro-array.json"), strict: true) }
    }

    @Test func readsCWEvalTasksAndRejectsUnscorableOnes() throws {
        let set = try ExecTaskSet.load(.cweval, path: Fixture.path("cweval.jsonl"))
        #expect(set.tasks.map(\.id) == ["cwe_022_0_c", "cwe_787_0_cpp"])
        #expect(set.tasks.map(\.cwe) == ["CWE-22", "CWE-787"])
        #expect(set.skipped.map(\.line) == [3, 4, 5])
        #expect(set.skipped[0].reason.contains("language must be c or cpp"))
        #expect(set.skipped[1].reason.contains("no tests"))
    }

    @Test func cwevalSourceUsesAWholeFileOrContinuesThePrompt() throws {
        let set = try ExecTaskSet.load(.cweval, path: Fixture.path("cweval.jsonl"))
        guard case .cweval(let t) = set.tasks[1].check else { Issue.record("not cweval"); return }
        #expect(t.definesEntryPoint("size_t copy_name(char *d, size_t n, const char *s)\n{ return 0; }"))
        #expect(!t.definesEntryPoint("    return copy_name(a, b, c);\n}"))
        #expect(!t.definesEntryPoint("size_t my_copy_name(char *d) { }"))
        let body = "    return 0;\n}\n"
        #expect(t.source(completion: body).hasPrefix(t.prompt + body))
        #expect(t.source(completion: t.prompt + body).hasPrefix(t.prompt + body))
        #expect(t.source(completion: body).hasSuffix(t.harness + "\n"))
    }

    @Test func shellQuotingSurvivesAnyArgument() {
        #expect(shellQuote("a b") == "'a b'")
        #expect(shellQuote("it's") == "'it'\\''s'")
    }
}
