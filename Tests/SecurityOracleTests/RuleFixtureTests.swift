// Every rule's fixture: `// ruleid: X` marks a line that rule X must flag, `// ok: X` one it must not.
import Foundation
import Testing
@testable import SecurityOracle

/// Marker convention (semgrep's): the comment sits on the line *before* the line it speaks for.
struct FixtureExpectations {
    var mustFlag: [String: Set<Int>] = [:]
    var mustNotFlag: [String: Set<Int>] = [:]

    init(_ text: String) {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let s = line.trimmingCharacters(in: .whitespaces)
            for (prefix, isFlag) in [("// ruleid:", true), ("// ok:", false)] where s.hasPrefix(prefix) {
                for id in s.dropFirst(prefix.count).split(separator: ",") {
                    let id = id.trimmingCharacters(in: .whitespaces)
                    if isFlag { mustFlag[id, default: []].insert(i + 2) } else { mustNotFlag[id, default: []].insert(i + 2) }
                }
            }
        }
    }
}

func fixtureURL(_ sub: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(sub)
}

func ruleFixtures() -> [URL] {
    let dir = fixtureURL("rules")
    let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
    return files.filter { $0.pathExtension == "c" || $0.pathExtension == "cpp" }.sorted { $0.path < $1.path }
}

@Test func everyRuleHasAFixture() throws {
    let rules = try RuleSet.bundled().rules
    let names = Set(ruleFixtures().map { $0.deletingPathExtension().lastPathComponent })
    for r in rules { #expect(names.contains(r.id), "rule \(r.id) has no fixture Fixtures/rules/\(r.id).c") }
    #expect(rules.count >= 25)
}

@Test(arguments: ruleFixtures().map(\.lastPathComponent))
func ruleFixture(_ file: String) throws {
    let text = try String(contentsOf: fixtureURL("rules/\(file)"), encoding: .utf8)
    let rule = String(file.split(separator: ".").first!)
    let expect = FixtureExpectations(text)
    let result = BuiltinAnalyzer().run(text)
    #expect(!(expect.mustFlag[rule] ?? []).isEmpty, "\(file) has no `// ruleid: \(rule)` line")
    func lines(_ f: Finding) -> ClosedRange<Int> { f.span.start.line...f.span.end.line }
    let mine = result.findings.filter { $0.ruleID == "builtin.\(rule)" }
    for line in (expect.mustFlag[rule] ?? []).sorted() {
        #expect(mine.contains { lines($0).contains(line) }, "\(file):\(line): expected \(rule)")
    }
    for line in (expect.mustNotFlag[rule] ?? []).sorted() {
        #expect(!mine.contains { lines($0).contains(line) }, "\(file):\(line): unexpected \(rule)")
    }
    // Precision: the rule flags nothing in its own fixture beyond the marked lines.
    let marked = expect.mustFlag[rule] ?? []
    for f in mine where !marked.contains(where: { lines(f).contains($0) }) {
        Issue.record("\(file):\(f.span.start.line):\(f.span.start.column): unmarked \(rule) finding: \(f.message)")
    }
    // Spans are exact: a single construct, never the whole function.
    for f in mine { #expect(f.span.end.line - f.span.start.line <= 3, "\(file): span of \(rule) too wide") }
}

/// `weak-random` (medium, security use) and `weak-random-general` (low, elsewhere) split the rand() family
/// between them: each call gets exactly one of the two, so a sample is never counted twice or at two severities.
@Test func everyRandCallGetsOneWeakRandomSeverity() throws {
    let rules = try RuleSet.bundled().rules
    let medium = try #require(rules.first { $0.id == "weak-random" }), low = try #require(rules.first { $0.id == "weak-random-general" })
    #expect(medium.params?.contextWords == low.params?.unlessContextWords && medium.params?.functions == low.params?.functions)
    for file in ["weak-random.c", "weak-random-general.c"] {
        let text = try String(contentsOf: fixtureURL("rules/\(file)"), encoding: .utf8)
        let findings = BuiltinAnalyzer().run(text).findings.filter { $0.cwe == "CWE-338" }
        let calls = text.split(separator: "\n").filter { $0.contains("rand()") || $0.contains("random()") }.count
        #expect(findings.count == calls, "\(file): \(findings.map { "\($0.ruleID)@\($0.span.start.line)" })")
        #expect(Set(findings.map { $0.span.start.line }).count == calls)
    }
}
