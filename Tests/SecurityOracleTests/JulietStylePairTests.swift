// Flawed/fixed pairs written from public CWE test-case descriptions: the flawed side must carry a high/medium
// finding (what the reward calls vulnerable) and the fixed side none. These are correctness fixtures; the
// figures in docs/BENCHMARKS.md come from data the rules were not fit to.
import Foundation
import Testing
@testable import SecurityOracle

func julietStylePairs() -> [String] {
    let dir = fixtureURL("pairs")
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return files.filter { $0.hasSuffix(".bad.c") }.map { String($0.dropLast(".bad.c".count)) }.sorted()
}

@Test func julietStylePairsExist() {
    #expect(julietStylePairs().count >= 20)
}

@Test(arguments: julietStylePairs())
func julietStylePair(_ name: String) throws {
    let bad = try String(contentsOf: fixtureURL("pairs/\(name).bad.c"), encoding: .utf8)
    let good = try String(contentsOf: fixtureURL("pairs/\(name).good.c"), encoding: .utf8)
    let oracle = BuiltinAnalyzer()
    let fb = oracle.findings(in: bad).filter { $0.severity >= .medium }
    let fg = oracle.findings(in: good).filter { $0.severity >= .medium }
    #expect(!fb.isEmpty, "\(name).bad.c: no high/medium finding")
    #expect(fg.isEmpty, "\(name).good.c: \(fg.map { "\($0.span.start.line): \($0.ruleID)" })")
}
