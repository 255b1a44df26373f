// Cross-tool de-duplication, the flag policy, the CWE table, and line:column ↔ byte-offset conversion.
import Foundation
import Testing
@testable import SecurityOracle

func finding(_ tool: String, _ cwe: String, line: Int, from: Int, to: Int, severity: Severity = .medium,
             confidence: Confidence = .medium, in text: String) -> Finding {
    let s = SourceText(text)
    return Finding(ruleID: "\(tool).r", cwe: cwe, severity: severity, confidence: confidence, message: "m",
                   span: SourceSpan(start: s.position(line: line, column: from), end: s.position(line: line, column: to)), tool: tool)
}

let twoLines = "int f(char *s) {\n  char b[4]; strcpy(b, s); free(s); free(s);\n}\n"

@Test func mergeJoinsSameFamilyOverlappingSpans() {
    let a = finding("cppcheck", "CWE-788", line: 2, from: 14, to: 26, severity: .high, in: twoLines)
    let b = finding("flawfinder", "CWE-120", line: 2, from: 14, to: 20, confidence: .low, in: twoLines)
    let c = finding("gcc", "CWE-415", line: 2, from: 36, to: 44, severity: .high, in: twoLines)
    let merged = Ensemble.merge([b, c, a])
    #expect(merged.count == 2)
    let buffer = merged.first { $0.family == "buffer" }
    #expect(buffer?.tools == ["cppcheck", "flawfinder"])
    #expect(buffer?.finding.tool == "cppcheck")  // the more severe one represents the cluster
    #expect(merged.first { $0.family == "lifetime" }?.tools == ["gcc"])
}

@Test func mergeKeepsDifferentFamiliesApart() {
    let a = finding("clang", "CWE-476", line: 2, from: 3, to: 12, in: twoLines)
    let b = finding("clang", "CWE-120", line: 2, from: 3, to: 12, in: twoLines)
    #expect(Ensemble.merge([a, b]).count == 2)
}

@Test func flagPolicyNeedsEvidenceOrAgreement() {
    let lexical = finding("flawfinder", "CWE-120", line: 2, from: 14, to: 26, severity: .high, confidence: .low, in: twoLines)
    let flow = finding("gcc", "CWE-415", line: 2, from: 36, to: 44, severity: .high, confidence: .high, in: twoLines)
    let agreeing = finding("semgrep", "CWE-120", line: 2, from: 14, to: 26, severity: .low, confidence: .low, in: twoLines)
    #expect(!Ensemble.counts(Ensemble.merge([lexical])[0]))
    #expect(Ensemble.counts(Ensemble.merge([flow])[0]))
    #expect(Ensemble.counts(Ensemble.merge([lexical, agreeing])[0]))
}

@Test func cweTableResolvesRulesAndDropsStyle() throws {
    let map = ToolCWEMap.shared
    #expect(map.resolve(tool: "clang", ruleID: "unix.Malloc", message: "Use of memory after it is freed", nativeCWE: nil, nativeSeverity: nil)?.cwe == "CWE-416")
    #expect(map.resolve(tool: "clang", ruleID: "unix.Malloc", message: "Attempt to free released memory", nativeCWE: nil, nativeSeverity: nil)?.cwe == "CWE-415")
    #expect(map.resolve(tool: "cppcheck", ruleID: "arrayIndexOutOfBounds", message: "", nativeCWE: "788", nativeSeverity: "error")?.severity == .high)
    #expect(map.resolve(tool: "cppcheck", ruleID: "unusedVariable", message: "", nativeCWE: "563", nativeSeverity: "style") == nil)
    #expect(map.resolve(tool: "gcc", ruleID: "-Wanalyzer-something-new", message: "", nativeCWE: "CWE-476", nativeSeverity: nil)?.cwe == "CWE-476")
    #expect(map.family(of: "CWE-125") == map.family(of: "CWE-787"))
}

@Test func sourceTextConvertsBothWays() {
    let text = "a\r\nβc = d;\n\nlast"
    let s = SourceText(text)
    #expect(s.lineCount == 4)
    let p = s.position(line: 2, column: 3)  // after the two UTF-8 bytes of β
    #expect(p.offset == 5 && s.position(offset: 5) == p)
    #expect(s.position(line: 1, column: 99).offset == 1)  // clamped before \r\n
    #expect(s.position(line: 99, column: 1).line == 4)
    let span = s.span(line: 2, column: 1)  // no end: the statement through `;`
    #expect(span.end.offset == 3 + "βc = d;".utf8.count)
}
