// The functional term: stubs are not working code, the task's tests count, and the outcome tiers are ordered.
import Foundation
import Testing
import SecurityOracle
@testable import Rewards

/// The reward section the RL recipes ship (recipes/ppo-*-qwen.yaml), as JSON.
func shippedRewardConfig() throws -> RewardConfig {
    let json = #"{"level": "token", "outcome_broken": -2.0, "functional": {"dense_cap": 0.5, "min_body_tokens": 8}}"#
    var c = try JSONDecoder().decode(RewardConfig.self, from: Data(json.utf8))
    c.checkCompile = true
    return c
}

func fenced(_ code: String) -> String { "Here it is:\n```c\n\(code)\n```\n" }

let secureCode = """
int copy_name(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) return -1;
    memcpy(dst, src, n + 1);
    return 0;
}
"""
/// Compiles, and has several findings: its dense penalties alone would sink it below "no code".
let flawedCode = """
int copy_name(char *dst, const char *src, const char *a, const char *b) {
    char tmp[16];
    strcpy(tmp, src);
    strcpy(dst, tmp);
    strcat(dst, a);
    strcat(dst, b);
    sprintf(dst, "%s%s", a, b);
    return 0;
}
"""
let stubCode = "int copy_name(char *dst, size_t cap, const char *src) {\n    return 0;\n}"
let brokenCode = "int copy_name(char *dst, size_t cap, const char *src) {\n    size_t n = strlen(src)\n    return n +;\n}"

/// Fake compile gate: everything compiles but `brokenCode`.
let fakeCompile: @Sendable (String) async -> Bool? = { code in !code.contains("return n +;") }

@Suite struct FunctionalTermTests {
    func total(_ response: String, _ config: RewardConfig, reference: RewardReference? = nil,
               tests: (@Sendable (String, String) async -> Bool?)? = nil) async -> TokenRewards {
        await RewardComposer(config: config, compile: fakeCompile, runTests: tests).compose(tokenBytes: chunks(response, 3), reference: reference)
    }

    @Test func stubsAndEmptyBodiesAreDetected() {
        #expect(FunctionalTerm.isStub(stubCode, minBodyTokens: 8))
        #expect(FunctionalTerm.isStub("void f(char *s) {}", minBodyTokens: 8))
        #expect(FunctionalTerm.isStub("int f(int n) {\n    // TODO: implement\n    return n * 2 + 1 - 1;\n}", minBodyTokens: 8))
        #expect(FunctionalTerm.isStub("int f(void);", minBodyTokens: 8))
        #expect(!FunctionalTerm.isStub(secureCode, minBodyTokens: 8))
        #expect(!FunctionalTerm.isStub(flawedCode, minBodyTokens: 8))
    }

    /// The review's finding, on the shipped config: working secure > working flawed > broken, stub, no code.
    @Test func outcomesAreOrderedWorkingSecureOverWorkingFlawedOverBroken() async throws {
        let c = try shippedRewardConfig()
        #expect(c.orderingProblem() == nil)
        let secure = await total(fenced(secureCode), c)
        let flawed = await total(fenced(flawedCode), c)
        let broken = await total(fenced(brokenCode), c)
        let stub = await total(fenced(stubCode), c)
        let none = await total("I cannot help with that.", c)
        #expect(!secure.vulnerable && flawed.vulnerable && flawed.findings.count >= 3)
        #expect(stub.stub == true && secure.stub == false && flawed.stub == false)
        #expect(secure.total > flawed.total, "secure \(secure.total) vs flawed \(flawed.total)")
        for (name, r) in [("broken", broken), ("stub", stub), ("no code", none)] {
            #expect(flawed.total > r.total, "flawed \(flawed.total) vs \(name) \(r.total)")
        }
        // The dense terms still land on the flaw's tokens, scaled, not dropped.
        #expect(flawed.perToken.dropLast().contains { $0 < 0 })
        #expect(flawed.parts["oracle"]! >= -0.5 - 1e-5)
    }

    /// The same responses under the old reward (no `functional:`): the ordering the review found broken.
    @Test func theOldRewardInvitedHacking() async {
        var c = RewardConfig()
        c.checkCompile = true
        #expect(c.orderingProblem() != nil)
        let flawed = await total(fenced(flawedCode), c)
        let none = await total("I cannot help with that.", c)
        let stub = await total(fenced(stubCode), c)
        let secure = await total(fenced(secureCode), c)
        #expect(none.total > flawed.total && stub.total >= secure.total)
    }

    @Test func theTasksTestsDecideWhetherCodeWorks() async throws {
        let c = try shippedRewardConfig()
        var ref = RewardReference(cwes: [], secureCode: secureCode, vulnerableCode: flawedCode, secureSpans: [], vulnerableSpans: [])
        ref.tests = "int main(void) { char b[8]; return copy_name(b, sizeof b, \"abc\") == 0 ? 0 : 1; }"
        let pass = await total(fenced(secureCode), c, reference: ref, tests: { _, _ in true })
        let fail = await total(fenced(secureCode), c, reference: ref, tests: { _, _ in false })
        #expect(pass.testsPass == true && fail.testsPass == false)
        #expect(pass.outcome == c.outcomeClean && fail.outcome == c.outcomeBroken)
    }

    /// The real runner: compile the code with the caller's `main`, run it, exit 0 = pass.
    @Test func testRunnerCompilesAndRunsTheTask() async throws {
        guard ToolProcess.firstAvailable(["clang-19", "clang", "gcc", "cc"]) != nil else {
            print("skip testRunnerCompilesAndRunsTheTask: no C compiler on PATH")
            return
        }
        let tests = "int main(void) { char b[8]; if (copy_name(b, sizeof b, \"abc\") != 0) return 1; if (strcmp(b, \"abc\")) return 2;\n"
            + "return copy_name(b, sizeof b, \"far too long\") == -1 ? 0 : 3; }"
        let ok = await FunctionalTerm.runTests(code: secureCode, tests: tests, cplusplus: false, timeout: 20)
        #expect(ok == true)
        let wrong = secureCode.replacingOccurrences(of: "if (n >= cap) return -1;", with: "")
        #expect(await FunctionalTerm.runTests(code: wrong, tests: tests, cplusplus: false, timeout: 20) == false)
        #expect(await FunctionalTerm.runTests(code: brokenCode, tests: tests, cplusplus: false, timeout: 20) == false)
    }
}
