// Test fixtures: crafted PrimeVul+ records and a fake generator whose answers the tests know.
import Foundation
@testable import Evaluation

/// Answers chosen by the prompt's text, tagged with the stream so determinism can be checked.
final class FakeGenerator: SampleGenerator {
    var calls: [[String]] = []
    /// Throws (like a killed process) once this many answers have been produced.
    var failAfter: Int?
    var produced = 0

    static let answers: [String: String] = [
        "vuln": "Here you go:\n```c\nvoid copy(char *in) {\n    char buf[8];\n    strcpy(buf, in);\n    puts(buf);\n}\n```\n",
        "clean": "```c\nint add(int a, int b) {\n    return a + b;\n}\n```",
        "broken": "```c\nint f(int a {\n    return a +;\n}\n```",
        "nocode": "I cannot write that function without more details.",
    ]

    func generate(prompts: [String], firstStream: Int) throws -> [GeneratedText] {
        calls.append(prompts)
        return try prompts.enumerated().map { i, p in
            if let f = failAfter, produced >= f { throw EvalError.invalid("killed") }
            produced += 1
            let key = Self.answers.keys.first { p.hasPrefix($0) } ?? "nocode"
            return GeneratedText(text: Self.answers[key]! + "\n<!-- stream \(firstStream + i) -->", tokens: 10)
        }
    }
}

enum Fixtures {
    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "srcode-eval-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func record(_ id: String, _ cwe: String, _ prompts: [String], split: String = "test") -> EvalRecord {
        EvalRecord(id: id, cwe: cwe, prompts: prompts.map { .init(style: "docstring", text: $0) }, split: split)
    }

    /// Writes records as JSONL (plus optional raw lines inserted at given 0-based positions).
    static func writeData(_ records: [EvalRecord], extraLines: [Int: String] = [:], to path: String) {
        let e = JSONEncoder()
        var lines = records.map { String(decoding: try! e.encode($0), as: UTF8.self) }
        for (at, l) in extraLines.sorted(by: { $0.key < $1.key }) { lines.insert(l, at: at) }
        try! (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func settings(data: String = "test.jsonl", k: Int = 1, batch: Int = 8, compile: Bool = true) -> EvalReport.Settings {
        .init(data: data, split: "test", samplesPerPrompt: k, promptsPerRecord: nil, seed: 0, temperature: 0.4, topP: 0.95,
              maxTokens: 64, batchSize: batch, compileCheck: compile)
    }
}
