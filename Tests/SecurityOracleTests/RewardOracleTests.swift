// The rollout oracle: builtin alone, or the union with external tools, bounded in time and never failing.
import Foundation
import Testing
@testable import SecurityOracle

/// A stand-in external tool: fixed findings after a delay.
struct FakeTool: Analyzer {
    var name: String
    var delay: Double
    var lines: [Int]
    func analyze(_ unit: SourceUnit) async throws -> [Finding] {
        try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        let text = SourceText(unit.text)
        return lines.map { l in
            Finding(ruleID: "\(name).x", cwe: "CWE-476", severity: .high, confidence: .high, message: "fake",
                    span: text.span(line: l, column: 1, endLine: l, endColumn: nil), tool: name)
        }
    }
}

let rolloutCode = """
void f(const char *s, size_t n) {
    char *p = malloc(n);
    p[0] = 1;
    char b[8];
    strcpy(b, s);
}
"""

@Test func builtinModeIsTheBuiltinAnalyzer() async {
    let v = await RewardOracle(mode: .builtin, external: [FakeTool(name: "fake", delay: 0, lines: [4])]).judge(rolloutCode)
    #expect(v.findings == BuiltinAnalyzer().run(rolloutCode).findings)
    #expect(v.diagnostics.isEmpty)
}

@Test func ensembleAddsNewFlawsOnceAndDropsSlowTools() async {
    let tools: [any Analyzer] = [
        FakeTool(name: "agree", delay: 0, lines: [3]),      // the builtin unchecked-NULL finding: not added again
        FakeTool(name: "extra", delay: 0, lines: [4, 4]),   // a new flaw, reported twice: added once
        FakeTool(name: "slow", delay: 120, lines: [2]),     // past the bound: dropped with a diagnostic
    ]
    let own = BuiltinAnalyzer().run(rolloutCode).findings
    let v = await RewardOracle(mode: .ensemble, timeout: 0.5, external: tools).judge(rolloutCode)
    #expect(v.findings.count == own.count + 1, "\(v.findings.map { "\($0.tool) \($0.span.start.line)" })")
    #expect(v.findings.contains { $0.tool == "extra" && $0.span.start.line == 4 })
    #expect(!v.findings.contains { $0.tool == "agree" || $0.tool == "slow" })
    #expect(v.diagnostics.contains { $0.hasPrefix("slow:") })
    #expect(v.seconds < 60)   // not waiting for the slow tool (loose: parallel tests can starve the timer)
}

@Test func ensembleWithRealToolsWhenInstalled() async {
    let clang = ClangAnalyzer(timeout: 20), gcc = GCCAnalyzer(timeout: 20)
    guard clang.executable != nil, gcc.executable != nil else { print("skip: clang or gcc not installed"); return }
    // An alias the built-in analyzer does not follow (docs/ORACLE.md, Limits); the path-sensitive tools do.
    let code = "#include <stdlib.h>\nint f(void) {\n    int *p = malloc(sizeof(int));\n    if (!p) return 0;\n    int *q = p;\n    free(p);\n    return *q;\n}\n"
    #expect(BuiltinAnalyzer().run(code).findings.filter { $0.cwe == "CWE-416" }.isEmpty)
    let v = await RewardOracle(mode: .ensemble, timeout: 20).judge(code)
    #expect(v.findings.contains { $0.cwe == "CWE-416" && $0.tool != "builtin" },
            "\(v.findings.map { "\($0.tool) \($0.ruleID) \($0.cwe)" }) \(v.diagnostics)")
}
