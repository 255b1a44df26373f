// The objective gates with a fake oracle, and the real clang compile checker.
import Foundation
import SRCodeData
import Testing
@testable import Vul2Safe

@Suite struct GateTests {
    let evaluator = GateEvaluator(findingSource: FakeFindingSource(), compileChecker: FakeCompileChecker())
    let stable = GateResult(.pass, "test")

    @Test func officialFixPassesEveryGate() async {
        let p = Fixtures.copyName
        let report = await evaluator.evaluate(pair: p, repair: p.fixedCode, baseline: await evaluator.baseline(for: p), stability: stable)
        #expect(report.failedGates.isEmpty)
        #expect(report.confidence == 1.0)
        #expect(AcceptancePolicy(strict: true).accepts(report))
    }

    @Test func eachGateFailsForItsReason() async {
        let p = Fixtures.copyName
        let base = await evaluator.baseline(for: p)
        // Unchanged code: the finding stays and nothing overlaps.
        let same = await evaluator.evaluate(pair: p, repair: p.vulnerableCode, baseline: base, stability: stable)
        #expect(same.cweFindingsRemoved.outcome == .fail)
        #expect(same.overlapsOfficialPatch.outcome == .fail)
        // A new high-severity finding (gets) and a compile error.
        let worse = p.fixedCode.replacingOccurrences(of: "return 0;", with: "gets(dst);\n#error x\n    return 0;")
        let r = await evaluator.evaluate(pair: p, repair: worse, baseline: base, stability: stable)
        #expect(r.noNewHighSeverity.outcome == .fail)
        #expect(r.compiles.outcome == .fail)
        #expect(!AcceptancePolicy().accepts(r))
        // A change far from the official patch's lines.
        let far = "int copy_name(char *dst, const char *src)\n{\n    /* Copy the user name into the session record. */\n    strcpy(dst, src);\n    return 1;\n}"
        let f = await evaluator.evaluate(pair: p, repair: far, baseline: base, stability: stable)
        #expect(f.overlapsOfficialPatch.outcome == .fail)
    }

    @Test func missingOracleSkipsInsteadOfPassing() async {
        let e = GateEvaluator(findingSource: nil, compileChecker: nil)
        let p = Fixtures.getItem
        let r = await e.evaluate(pair: p, repair: p.fixedCode, baseline: await e.baseline(for: p), stability: stable)
        #expect(r.cweFindingsRemoved.outcome == .skipped && r.noNewHighSeverity.outcome == .skipped && r.compiles.outcome == .skipped)
        #expect(abs(r.confidence - 0.675) < 1e-9)
        #expect(AcceptancePolicy().accepts(r))
        #expect(!AcceptancePolicy(strict: true).accepts(r))
    }

    @Test func clangChecksSyntaxOnlyNewErrors() async throws {
        guard let clang = ClangCompileChecker() else {
            print("skipping clangChecksSyntaxOnlyNewErrors: no clang-19/clang on PATH")
            return
        }
        #expect(await clang.compiles(code: "int f(int x) { return x + 1; }", language: .c) == .compiles)
        guard case .errors(let errs) = await clang.compiles(code: "int f(int x) { return x + ; }", language: .c) else {
            Issue.record("expected a syntax error"); return
        }
        #expect(!errs.isEmpty)
        // Unknown project types error on both sides: the gate counts only the repair's new errors.
        let e = GateEvaluator(findingSource: nil, compileChecker: clang)
        let p = Fixtures.getItem
        let ok = await e.evaluate(pair: p, repair: p.fixedCode, baseline: await e.baseline(for: p), stability: stable)
        #expect(ok.compiles.outcome == .pass)
        let broken = p.fixedCode.replacingOccurrences(of: "return -1;", with: "return -1")
        let bad = await e.evaluate(pair: p, repair: broken, baseline: await e.baseline(for: p), stability: stable)
        #expect(bad.compiles.outcome == .fail)
    }
}
