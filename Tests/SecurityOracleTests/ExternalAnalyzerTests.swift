// Each external adapter finds the known bug of a fixture, with the CWE and the exact span (skips when the tool is missing).
import Foundation
import Testing
@testable import SecurityOracle

/// The fixture text and the byte range of the first occurrence of `needle` in it.
func fixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ExternalFixtures/\(name)")
    return try String(contentsOf: url, encoding: .utf8)
}

func lineOf(_ needle: String, in text: String) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
}

/// Runs `analyzer` on the fixture, or prints why it is skipped.
func run(_ analyzer: some ExternalAnalyzer, on text: String) async throws -> [Finding]? {
    guard analyzer.isAvailable else { print("skip: \(analyzer.name) not installed"); return nil }
    return try await analyzer.analyze(SourceUnit(name: "known-bugs.c", text: text))
}

/// Every span must cover text that starts on its reported line:column and agrees with its byte offsets.
func expectConsistentSpans(_ findings: [Finding], _ text: String) {
    let src = SourceText(text)
    for f in findings {
        #expect(src.position(offset: f.span.start.offset) == f.span.start, "\(f.ruleID) start")
        #expect(src.position(offset: f.span.end.offset) == f.span.end, "\(f.ruleID) end")
        #expect(f.span.end.offset > f.span.start.offset, "\(f.ruleID) empty span")
    }
}

@Test func cppcheckFindsDoubleFreeAndIndex() async throws {
    let text = try fixture("known-bugs.c")
    guard let found = try await run(CppcheckAnalyzer(), on: text) else { return }
    let df = found.first { $0.cwe == "CWE-415" }
    #expect(df?.span.start.line == lineOf("/* second */", in: text), "\(found)")
    #expect(found.contains { $0.cwe == "CWE-787" && $0.span.start.line == lineOf("buf[10] = 0", in: text) })
    expectConsistentSpans(found, text)
}

@Test func flawfinderFindsStrcpyAndFormat() async throws {
    let text = try fixture("known-bugs.c")
    guard let found = try await run(FlawfinderAnalyzer(), on: text) else { return }
    let strcpyLine = lineOf("strcpy(buf, src)", in: text)
    let hit = found.first { $0.span.start.line == strcpyLine }
    #expect(hit?.cwe == "CWE-120", "\(found)")
    // The span starts at `strcpy`, not at the indentation.
    let bytes = Array(text.utf8)
    if let h = hit { #expect(String(decoding: bytes[h.span.start.offset..<h.span.start.offset + 6], as: UTF8.self) == "strcpy") }
    #expect(found.contains { $0.cwe == "CWE-134" && $0.span.start.line == lineOf("printf(user)", in: text) })
    expectConsistentSpans(found, text)
}

@Test func clangFindsDoubleFreeThroughPrelude() async throws {
    // No headers: the prelude must supply free/strcpy/printf, and lines must map back to the snippet.
    let text = try fixture("known-bugs.c").split(separator: "\n").filter { !$0.hasPrefix("#include") }.joined(separator: "\n")
    guard let found = try await run(ClangAnalyzer(), on: text) else { return }
    #expect(found.contains { $0.cwe == "CWE-415" && $0.span.start.line == lineOf("/* second */", in: text) }, "\(found)")
    #expect(found.contains { $0.cwe == "CWE-120" && $0.span.start.line == lineOf("strcpy(buf, src)", in: text) })
    expectConsistentSpans(found, text)
}

@Test func gccFindsDoubleFreeWithItsCWE() async throws {
    let text = try fixture("known-bugs.c").split(separator: "\n").filter { !$0.hasPrefix("#include") }.joined(separator: "\n")
    guard let found = try await run(GCCAnalyzer(), on: text) else { return }
    let df = found.first { $0.cwe == "CWE-415" }
    #expect(df?.span.start.line == lineOf("/* second */", in: text), "\(found)")
    #expect(df?.ruleID == "gcc.-Wanalyzer-double-free")
    #expect(found.contains { $0.cwe == "CWE-134" })
    expectConsistentSpans(found, text)
}

@Test func semgrepRunsTheLocalPackOffline() async throws {
    let text = try fixture("known-bugs.c")
    guard let found = try await run(SemgrepAnalyzer(), on: text) else { return }
    let uaf = found.first { $0.cwe == "CWE-415" }
    #expect(uaf?.span.start.line == lineOf("/* second */", in: text), "\(found)")
    #expect(found.contains { $0.ruleID == "semgrep.c-strcpy-unbounded" && $0.severity == .medium })
    #expect(found.contains { $0.ruleID == "semgrep.c-format-nonliteral" && $0.cwe == "CWE-134" })
    expectConsistentSpans(found, text)
}

@Test func semgrepPackPassesItsOwnRuleTests() async throws {
    guard let exe = ToolProcess.which("semgrep"), let pack = externalResourceDirectory?.appendingPathComponent("semgrep") else {
        print("skip: semgrep not installed"); return
    }
    let out = try await ToolProcess.run(exe, ["--metrics=off", "--disable-version-check", "--test", "--config", pack.path, pack.path],
                                        in: pack.deletingLastPathComponent(), timeout: 300)
    #expect(out.status == 0, "\(out.stdout.suffix(1500)) \(out.stderr.suffix(1500))")
}

@Test func missingToolIsAnErrorNotACrash() async {
    let a = CppcheckAnalyzerStub()
    await #expect(throws: ExternalToolError.self) { try await a.analyze(SourceUnit(name: "x.c", text: "int x;")) }
}

/// An adapter whose tool is never installed.
struct CppcheckAnalyzerStub: ExternalAnalyzer {
    let name = "cppcheck"
    let executable: String? = nil
    let timeout = 1.0
    func analyze(_ unit: SourceUnit) async throws -> [Finding] { _ = try requireExecutable(for: unit); return [] }
}

@Test func toolRunsInItsDirectoryAndReportsItsExit() async throws {
    let dir = try ToolProcess.makeTempDir(prefix: "t")
    defer { ToolProcess.removeTempDir(dir) }
    let out = try await ToolProcess.run("/bin/sh", ["-c", "pwd; echo oops >&2; exit 3"], in: dir, timeout: 30)
    #expect(out.status == 3 && !out.timedOut)
    #expect(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == dir.resolvingSymlinksInPath().path)
    #expect(out.stderr == "oops\n")
    // Many at once: each caller gets its own child's exit (Foundation's Process once lost one).
    let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
        for i in 0..<16 { group.addTask { try await ToolProcess.run("/bin/sh", ["-c", "exit \(i)"], in: dir, timeout: 30).status } }
        return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(statuses.sorted() == Array(0..<16))
}

@Test func toolTimeoutKillsTheProcess() async throws {
    let dir = try ToolProcess.makeTempDir(prefix: "t")
    defer { ToolProcess.removeTempDir(dir) }
    let t0 = Date()
    let out = try await ToolProcess.run("/bin/sleep", ["30"], in: dir, timeout: 0.5)
    #expect(out.timedOut)
    // Well under the 30 s sleep, with room for a loaded 2-core machine (13 s was seen under load).
    #expect(Date().timeIntervalSince(t0) < 25)
}
