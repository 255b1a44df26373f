// The composer on crafted responses: exact token mapping, pattern matching with renaming, levels, outcome.
import Testing
import SRCodeData
import SecurityOracle
@testable import Rewards

/// Splits text into "tokens" of `n` bytes, a stand-in tokenizer with known offsets.
func chunks(_ s: String, _ n: Int) -> [[UInt8]] {
    let b = Array(s.utf8)
    return stride(from: 0, to: b.count, by: n).map { Array(b[$0..<min($0 + n, b.count)]) }
}

let noCompile: @Sendable (String) async -> Bool? = { _ in true }

let vulnerableResponse = """
Here is the function:
```c
char *dup_name(const char *name) {
    char *out = malloc(strlen(name));
    strcpy(out, name);
    return out;
}
```
"""

@Test func tokenSpansMapByteRangesExactly() {
    let s = TokenSpans(tokenByteCounts: [3, 0, 2, 5, 1])   // tokens: [0,3) [3,3) [3,5) [5,10) [10,11)
    #expect(s.tokens(overlapping: 0, 1) == 0..<1)
    #expect(s.tokens(overlapping: 2, 4) == 0..<3)     // includes the zero-width token at 3 (the composer skips it)
    #expect(s.tokens(overlapping: 5, 10) == 3..<4)
    #expect(s.tokens(overlapping: 9, 11) == 3..<5)
    #expect(s.tokens(overlapping: 4, 4) == 0..<0)
}

@Test func oracleFindingsPenalizeExactlyTheirTokens() async throws {
    var config = RewardConfig()
    config.checkCompile = false
    let tokens = chunks(vulnerableResponse, 4)
    let r = await RewardComposer(config: config).compose(tokenBytes: tokens, reference: nil)
    #expect(r.perToken.count == tokens.count)
    #expect(r.vulnerable && r.hasCode && !r.findings.isEmpty)
    let bytes = Array(vulnerableResponse.utf8)
    // The strcpy finding's span, in response bytes, covers the copy call.
    let copy = try #require(r.findings.first { $0.cwe == "CWE-120" })
    let text = String(decoding: bytes[copy.span.start.offset..<copy.span.end.offset], as: UTF8.self)
    #expect(text.hasPrefix("strcpy(out, name)"))
    // Tokens wholly outside every finding span and not last get no reward at all.
    let covered = Set(r.findings.flatMap { f in (f.span.start.offset / 4)...((f.span.end.offset - 1) / 4) })
    for (i, v) in r.perToken.enumerated() where i != r.perToken.count - 1 {
        #expect((v != 0) == covered.contains(i), "token \(i) reward \(v)")
    }
    // Each finding contributes exactly -weight·severity in total.
    let expected = r.findings.reduce(Float(0)) { $0 - config.severityFactor($1.severity) }
    #expect(abs(r.parts["oracle"]! - expected) < 1e-5)
    #expect(abs(r.total - (expected + config.outcomeVulnerable)) < 1e-4)
}

@Test func secureFragmentsMatchDespiteRenamedVariables() async {
    let vulnerable = "int copy(char *dst, const char *src, size_t len) {\n    memcpy(dst, src, len);\n    return 0;\n}\n"
    let secure = "int copy(char *dst, const char *src, size_t len) {\n    if (len > DST_MAX) return -1;\n    memcpy(dst, src, len);\n    return 0;\n}\n"
    let diff = TextDiff.codeDiff(vulnerable: vulnerable, fixed: secure)
    let ref = RewardReference(cwes: ["CWE-787"], secureCode: secure, vulnerableCode: vulnerable,
                              secureSpans: diff.addedSpans, vulnerableSpans: diff.deletedSpans)
    #expect(ref.secureFragments.count == 1)
    let response = "```c\nint put(char *out, const char *in, size_t n) {\n    if (n > DST_MAX) return -1;\n    memcpy(out, in, n);\n    return 0;\n}\n```\n"
    var config = RewardConfig()
    config.checkCompile = false
    let tokens = chunks(response, 1)   // byte tokens: token index == byte offset
    let r = await RewardComposer(config: config, compile: noCompile).compose(tokenBytes: tokens, reference: ref)
    #expect(abs(r.parts["secure_pattern"]! - config.securePatternWeight) < 1e-6)
    let check = Array(response.utf8)
    // Rewarded bytes are exactly the tokens of `if (n > DST_MAX) return -1;` (whitespace between tokens excluded).
    let rewarded = r.perToken.indices.filter { r.perToken[$0] > 0 && $0 != r.perToken.count - 1 }
    let text = String(decoding: rewarded.map { check[$0] }, as: UTF8.self)
    #expect(text == "if(n>DST_MAX)return-1;")
    // Any consistent renaming matches.
    let wrong = "```c\nint put(char *out, const char *in, size_t n) {\n    if (m > DST_MAX) return -1;\n}\n```"
    let w = await RewardComposer(config: config).compose(tokenBytes: chunks(wrong, 1), reference: ref)
    #expect(w.parts["secure_pattern"] == config.securePatternWeight)
    let other = "```c\nint put(char *out, const char *in, size_t n) {\n    if (n > OTHER) return -1;\n}\n```"
    let o = await RewardComposer(config: config).compose(tokenBytes: chunks(other, 1), reference: ref)
    #expect(o.parts["secure_pattern"] == 0)   // a different constant is a different pattern
}

@Test func vulnerableFragmentsThatReappearArePenalized() async {
    let vulnerable = "void f(char *s) {\n    char b[16];\n    sprintf(b, \"%s\", s);\n}\n"
    let secure = "void f(char *s) {\n    char b[16];\n    snprintf(b, sizeof b, \"%s\", s);\n}\n"
    let ref = RewardReference(pair: VulnerabilityPair(
        id: "t", source: "t", cwes: ["CWE-787"], language: .c, vulnerableCode: vulnerable, fixedCode: secure,
        diff: TextDiff.codeDiff(vulnerable: vulnerable, fixed: secure), codeHash: ""))
    var config = RewardConfig()
    config.checkCompile = false
    let again = "```c\nvoid g(char *name) {\n    char buf[16];\n    sprintf(buf, \"%s\", name);\n}\n```"
    let r = await RewardComposer(config: config).compose(tokenBytes: chunks(again, 2), reference: ref)
    #expect(abs(r.parts["vulnerable_pattern"]! + config.vulnerablePatternWeight) < 1e-6)
    let fixed = "```c\nvoid g(char *name) {\n    char buf[16];\n    snprintf(buf, sizeof buf, \"%s\", name);\n}\n```"
    let s = await RewardComposer(config: config).compose(tokenBytes: chunks(fixed, 2), reference: ref)
    #expect(s.parts["vulnerable_pattern"] == 0 && abs(s.parts["secure_pattern"]! - config.securePatternWeight) < 1e-6)
}

@Test func instanceLevelPutsTheSameTotalOnTheLastToken() async {
    var config = RewardConfig()
    config.checkCompile = false
    let tokens = chunks(vulnerableResponse, 3)
    let token = await RewardComposer(config: config).compose(tokenBytes: tokens, reference: nil)
    config.level = .instance
    let instance = await RewardComposer(config: config).compose(tokenBytes: tokens, reference: nil)
    #expect(instance.perToken.dropLast().allSatisfy { $0 == 0 })
    #expect(abs(instance.perToken.last! - token.total) < 1e-4)
}

/// `outcome_placement: findings`: the flagged-code difference lands on the tokens of the high/medium findings,
/// the last token keeps `outcome_clean`, and the total (so the instance level) is unchanged.
@Test func findingsPlacementMovesTheFlaggedOutcomeOntoTheFindings() async throws {
    var config = RewardConfig()
    config.checkCompile = false
    config.functional = FunctionalConfig()
    let tokens = chunks(vulnerableResponse, 1)   // byte tokens: token index == byte offset
    let last = await RewardComposer(config: config).compose(tokenBytes: tokens, reference: nil)
    config.outcomePlacement = .findings
    let placed = await RewardComposer(config: config).compose(tokenBytes: tokens, reference: nil)
    #expect(placed.vulnerable && placed.outcome == config.outcomeVulnerable && placed.parts == last.parts)
    #expect(abs(placed.total - last.total) < 1e-4)
    #expect(abs(placed.perToken.last! - last.perToken.last! - (config.outcomeClean - config.outcomeVulnerable)) < 1e-4)
    // The moved part sits only on finding tokens (a high/medium finding's span), nowhere else.
    let causes = placed.findings.filter { $0.severity >= .medium }
    let moved = zip(placed.perToken, last.perToken).enumerated().filter { $0.offset != tokens.count - 1 && abs($0.element.0 - $0.element.1) > 1e-7 }
    #expect(!moved.isEmpty)
    for (i, _) in moved { #expect(causes.contains { $0.span.start.offset <= i && i < $0.span.end.offset }, "token \(i)") }
    let shift = moved.reduce(Float(0)) { $0 + $1.element.0 - $1.element.1 }
    #expect(abs(shift - (config.outcomeVulnerable - config.outcomeClean)) < 1e-4)
    // Clean code, and the instance level, are as before.
    let sum = "```c\nint sum(const int *v, int n) {\n    int s = 0;\n    for (int i = 0; i < n; i++) s += v[i];\n    return s;\n}\n```"
    let clean = await RewardComposer(config: config).compose(tokenBytes: chunks(sum, 4), reference: nil)
    #expect(clean.perToken.last == config.outcomeClean)
    config.level = .instance
    let instance = await RewardComposer(config: config).compose(tokenBytes: tokens, reference: nil)
    #expect(abs(instance.perToken.last! - last.total) < 1e-4 && instance.perToken.dropLast().allSatisfy { $0 == 0 })
    let decoded = try JSONDecoder().decode(RewardConfig.self, from: Data(#"{"outcome_placement": "findings"}"#.utf8))
    #expect(decoded.outcomePlacement == .findings && RewardConfig().outcomePlacement == .last)
}

@Test func outcomeForNoCodeAndForCodeThatDoesNotCompile() async {
    let config = RewardConfig()
    let none = await RewardComposer(config: config, compile: noCompile).compose(tokenBytes: chunks("I cannot help with that.", 5), reference: nil)
    #expect(!none.hasCode && none.outcome == config.outcomeBroken && none.perToken.last == config.outcomeBroken)
    let broken = await RewardComposer(config: config, compile: { _ in false })
        .compose(tokenBytes: chunks("```c\nint f( { return 0; }\n```", 4), reference: nil)
    #expect(broken.compiles == false && broken.outcome == config.outcomeBroken)
    let clean = await RewardComposer(config: config, compile: noCompile)
        .compose(tokenBytes: chunks("```c\nint add(int a, int b) { return a + b; }\n```", 4), reference: nil)
    #expect(!clean.vulnerable && clean.outcome == config.outcomeClean && clean.total == config.outcomeClean)
}

struct FixedJudge: VulnerabilityJudge {
    let lines: [Int]
    func vulnerableLines(code: String, cwes: [String]) async -> [Int] { lines }
}

@Test func judgePenalizesTheTokensOfNamedLines() async {
    var config = RewardConfig()
    config.checkCompile = false
    let response = "```c\nint add(int a, int b) {\n    return a + b;\n}\n```"
    let r = await RewardComposer(config: config, judge: FixedJudge(lines: [2])).compose(tokenBytes: chunks(response, 1), reference: nil)
    let bytes = Array(response.utf8)
    let penalized = r.perToken.indices.filter { r.perToken[$0] < 0 }
    #expect(String(decoding: penalized.map { bytes[$0] }, as: UTF8.self) == "    return a + b;\n")
    #expect(abs(r.parts["judge"]! + config.judgeWeight) < 1e-6)
}

@Test func rewardConfigDecodesPartialRecipes() throws {
    let json = #"{"level": "instance", "oracle_weight": 2.5}"#
    let c = try JSONDecoder().decode(RewardConfig.self, from: Data(json.utf8))
    #expect(c.level == .instance && c.oracleWeight == 2.5 && c.securePatternWeight == RewardConfig().securePatternWeight)
}

import Foundation

@Test func renamingMustBeABijectionWithinAnOccurrence() throws {
    let f = try #require(CodeFragment("a = b + a;"))
    #expect(FragmentMatcher(code: Array("x = y + x;".utf8)).occurrences(of: f).count == 1)
    #expect(FragmentMatcher(code: Array("x = y + y;".utf8)).occurrences(of: f).isEmpty)   // b and a both → y
    #expect(FragmentMatcher(code: Array("x = x + x;".utf8)).occurrences(of: f).isEmpty)
    #expect(FragmentMatcher(code: Array("x = y + x; p = q + p;".utf8)).occurrences(of: f).count == 2)
    #expect(CodeFragment("}") == nil)                                                     // too weak a pattern
    // Called names are exact: strncpy( is not strcpy(.
    let call = try #require(CodeFragment("strncpy(d, s, n);"))
    #expect(FragmentMatcher(code: Array("strcpy(d, s, n);".utf8)).occurrences(of: call).isEmpty)
}
