// SecureEval: exact metrics on crafted samples, resume after an interrupted run, bad data lines.
import Foundation
import SecurityOracle
import Testing
@testable import Evaluation

/// Whether clang is on PATH (CI installs it; without it compile rates are n/a and their checks are skipped).
let hasClang = ["/usr/bin/clang-19", "/usr/bin/clang", "/usr/local/bin/clang"].contains { FileManager.default.fileExists(atPath: $0) }

@Test func metricsOnCraftedSamples() async throws {
    let dir = Fixtures.tempDir()
    let data = EvalDataset(records: [Fixtures.record("r1", "CWE-787", ["vuln: copy a name", "clean: add two ints"]),
                                     Fixtures.record("r2", "CWE-476", ["broken: a function", "nocode: please"])], skipped: [])
    let eval = SecureEval(dataset: data, generator: FakeGenerator(), settings: Fixtures.settings(compile: hasClang),
                          label: "fake", model: "fake", outDir: dir)
    eval.showProgress = false
    let r = try await eval.run()
    let o = r.overall
    #expect((o.records, o.prompts, o.samples) == (2, 4, 4))
    #expect(o.vulnerable == 1 && o.vulnerabilityRate == 0.25)
    #expect(o.noCode == 1 && o.noCodeRate == 0.25)
    #expect(abs(o.vulnerabilityRateWithCode - 1.0 / 3) < 1e-12)
    #expect(o.highMediumFindings >= 1 && o.findings >= o.highMediumFindings)
    let c787 = try #require(r.perCWE["CWE-787"]), c476 = try #require(r.perCWE["CWE-476"])
    #expect(c787.samples == 2 && c787.vulnerabilityRate == 0.5 && c787.noCodeRate == 0)
    #expect(c476.samples == 2 && c476.vulnerabilityRate == 0 && c476.noCodeRate == 0.5)
    let samples = try SampleStore(path: dir + "/samples.jsonl", samplesPerPrompt: 1).samples
    let vuln = try #require(samples.first { $0.prompt.hasPrefix("vuln") })
    let strcpy = try #require(vuln.findings.first { $0.isHighOrMedium })
    #expect(vuln.code[vuln.code.utf8.index(vuln.code.utf8.startIndex, offsetBy: strcpy.start)...].hasPrefix("strcpy"))
    #expect(samples.first { $0.prompt.hasPrefix("clean") }!.findings.filter(\.isHighOrMedium).isEmpty)
    if hasClang {
        #expect(o.compileChecked == 4 && o.compiled == 2 && o.compileRate == 0.5)
        #expect(c787.compileRate == 1 && c476.compileRate == 0)
        #expect(!samples.first { $0.prompt.hasPrefix("broken") }!.compileErrors.isEmpty)
    } else {
        print("skipping compile-rate checks: clang not found")
        #expect(o.compileChecked == 1)  // only the no-code sample has a verdict (it cannot compile)
    }
    // Reports land on disk and read back.
    let back = try EvalReport.read(dir: dir)
    #expect(back.overall == o && back.perCWE == r.perCWE)
    #expect(try String(contentsOfFile: dir + "/report.md", encoding: .utf8).contains("| CWE-787 | 1 | 2 | 2 | 50.0%"))
}

@Test func resumeAfterInterruptionHasNoDuplicatesAndSameSamples() async throws {
    let records = (0..<5).map { Fixtures.record("r\($0)", $0 % 2 == 0 ? "CWE-787" : "CWE-476", ["vuln \($0)", "clean \($0)"]) }
    let data = EvalDataset(records: records, skipped: [])
    let k = 2, settings = Fixtures.settings(k: k, batch: 4, compile: false)
    // Reference: one uninterrupted run.
    let refDir = Fixtures.tempDir()
    let ref = SecureEval(dataset: data, generator: FakeGenerator(), settings: settings, label: "ref", model: "fake", outDir: refDir)
    ref.showProgress = false
    _ = try await ref.run()
    // Interrupted run: dies after 9 answers (4 complete prompts written, the 5th batch lost).
    let dir = Fixtures.tempDir()
    let dying = FakeGenerator()
    dying.failAfter = 9
    let first = SecureEval(dataset: data, generator: dying, settings: settings, label: "run", model: "fake", outDir: dir)
    first.showProgress = false
    await #expect(throws: EvalError.self) { try await first.run() }
    // A kill -9 mid-write: a torn line and one prompt with only 1 of its 2 samples.
    let path = dir + "/samples.jsonl"
    var stored = try String(contentsOfFile: path, encoding: .utf8)
    let lines = stored.split(separator: "\n")
    #expect(lines.count == 8)
    stored = lines.dropLast().joined(separator: "\n") + "\n" + "{\"record_id\":\"r3\",\"prom"
    try stored.write(toFile: path, atomically: true, encoding: .utf8)
    let store = try SampleStore(path: path, samplesPerPrompt: k)
    #expect(store.done.count == 3 && store.samples.count == 6 && store.dropped == 2)
    // Resume.
    let resumed = FakeGenerator()
    let second = SecureEval(dataset: data, generator: resumed, settings: settings, label: "run", model: "fake", outDir: dir)
    second.showProgress = false
    let report = try await second.run()
    #expect(resumed.produced == (10 - 3) * k)  // only the missing prompts were generated
    let final = try SampleStore(path: path, samplesPerPrompt: k).samples
    let reference = try SampleStore(path: refDir + "/samples.jsonl", samplesPerPrompt: k).samples
    #expect(final.count == 20 && Set(final.map { "\($0.recordID)#\($0.promptIndex)/\($0.sampleIndex)" }).count == 20)
    // Same streams as the uninterrupted run: every sample's text matches the reference.
    let key = { (s: EvalSample) in "\(s.recordID)#\(s.promptIndex)/\(s.sampleIndex)" }
    let refText = Dictionary(uniqueKeysWithValues: reference.map { (key($0), $0.text) })
    #expect(final.allSatisfy { refText[key($0)] == $0.text })
    #expect(report.overall.samples == 20 && report.overall.vulnerable == 10)
    // A rerun of a finished evaluation generates nothing.
    let idle = FakeGenerator()
    let third = SecureEval(dataset: data, generator: idle, settings: settings, label: "run", model: "fake", outDir: dir)
    third.showProgress = false
    _ = try await third.run()
    #expect(idle.produced == 0)
}

/// Committed samples leave out the benchmark's prompt text (scripts/strip_prompts.py, used by
/// scripts/ablation_state.sh); a run resumed from them keeps every stored sample and generates nothing.
@Test func samplesStrippedOfTheirPromptsStillResume() async throws {
    let records = (0..<3).map { Fixtures.record("r\($0)", "CWE-787", ["vuln \($0)"]) }
    let data = EvalDataset(records: records, skipped: [])
    let settings = Fixtures.settings(k: 2, batch: 4, compile: false)
    let dir = Fixtures.tempDir()
    let first = SecureEval(dataset: data, generator: FakeGenerator(), settings: settings, label: "run", model: "fake", outDir: dir)
    first.showProgress = false
    let before = try await first.run()
    let path = dir + "/samples.jsonl"
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/strip_prompts.py").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", script, path, path]
    guard (try? p.run()) != nil else { print("SKIP: python3 is missing"); return }
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let stripped = try String(contentsOfFile: path, encoding: .utf8)
    #expect(stripped.split(separator: "\n").count == 6 && !stripped.contains("\"prompt\""))
    let store = try SampleStore(path: path, samplesPerPrompt: 2)
    #expect(store.samples.count == 6 && store.dropped == 0 && store.samples.allSatisfy { $0.prompt.isEmpty })
    let idle = FakeGenerator()
    let again = SecureEval(dataset: data, generator: idle, settings: settings, label: "run", model: "fake", outDir: dir)
    again.showProgress = false
    let after = try await again.run()
    #expect(idle.produced == 0 && after.overall == before.overall)
}

@Test func badDataLinesAreSkippedWithFileAndLine() throws {
    let dir = Fixtures.tempDir(), path = dir + "/data.jsonl"
    Fixtures.writeData([Fixtures.record("a", "CWE-787", ["p"]), Fixtures.record("b", "CWE-787", ["q"], split: "train"),
                        Fixtures.record("c", "CWE-476", ["  "])],
                       extraLines: [1: "{not json", 2: "{\"id\": \"x\"}"], to: path)
    let d = try EvalDataset.load(path: path, split: "test")
    #expect(d.records.map(\.id) == ["a"])
    #expect(d.skipped.map(\.line) == [2, 3, 5])
    #expect(d.skipped[0].description.hasPrefix("\(path):2: not a PrimeVul+ record"))
    #expect(d.skipped[1].reason.contains("missing field prompts"))
    #expect(d.skipped[2].reason.contains("no prompt text"))
    #expect(try EvalDataset.load(path: path, split: nil).records.map(\.id) == ["a", "b"])
    #expect { try EvalDataset.load(path: path, split: "test", strict: true) } throws: { e in
        "\(e)".contains("data.jsonl:2:")
    }
    #expect(throws: EvalError.self) { try EvalDataset.load(path: dir + "/missing.jsonl") }
}

@Test func modelSpecParsing() throws {
    let a = try ModelSpec(parsing: "base=qwen2.5-coder-0.5b")
    #expect(a == ModelSpec(label: "base", spec: "qwen2.5-coder-0.5b"))
    let b = try ModelSpec(parsing: "sft=qwen2.5-coder-0.5b@runs/sft/ckpt-400.safetensors")
    #expect(b == ModelSpec(label: "sft", spec: "qwen2.5-coder-0.5b", adapter: "runs/sft/ckpt-400.safetensors"))
    let c = try ModelSpec(parsing: "/models/smol.gguf")
    #expect(c.label == "smol" && c.spec == "/models/smol.gguf" && c.adapter == nil)
    #expect(try ModelSpec(parsing: "hf:org/repo@main").spec == "hf:org/repo@main")
    #expect(try ModelSpec(parsing: "qwen2.5-coder-0.5b").label == "qwen2.5-coder-0.5b")  // an alias keeps its dots
    #expect(throws: EvalError.self) { try ModelSpec(parsing: "x=") }
}

/// `--rescore` re-judges stored answers with today's oracle, without generating, and keeps compile verdicts.
@Test func rescoreRejudgesStoredAnswers() async throws {
    let dir = Fixtures.tempDir()
    let data = EvalDataset(records: [Fixtures.record("r1", "CWE-787", ["vuln: copy a name"])], skipped: [])
    func run(_ gen: FakeGenerator, rescore: Bool) async throws -> EvalReport {
        let eval = SecureEval(dataset: data, generator: gen, settings: Fixtures.settings(compile: false), label: "fake", model: "fake", outDir: dir)
        eval.showProgress = false
        eval.rescore = rescore
        return try await eval.run()
    }
    #expect(try await run(FakeGenerator(), rescore: false).overall.vulnerable == 1)
    // An older oracle that saw nothing: clear the stored findings, mark a compile verdict to keep.
    let store = try SampleStore(path: dir + "/samples.jsonl", samplesPerPrompt: 1)
    try store.rewrite { $0.findings = []; $0.compiles = true }
    let idle = FakeGenerator()
    #expect(try await run(idle, rescore: false).overall.vulnerable == 0)
    let r = try await run(idle, rescore: true)
    #expect(r.overall.vulnerable == 1 && idle.calls.isEmpty)
    #expect(try SampleStore(path: dir + "/samples.jsonl", samplesPerPrompt: 1).samples.allSatisfy { $0.compiles == true })
}
