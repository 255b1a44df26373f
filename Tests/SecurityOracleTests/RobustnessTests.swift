// Bad input and fuzzing: random bytes and mutated fixtures never crash, hang, or go unexplained.
import Foundation
import Testing
@testable import SecurityOracle

/// A fixed-seed generator so a failure reproduces (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Wall-clock bound per hostile input: a hang detector, not a speed measurement. Alone each input takes
/// under 0.5 s; the suite runs tests in parallel on 2 cores, where a loaded machine was seen to stretch
/// that tenfold, so the bound leaves room for that while still catching a hang or a quadratic blow-up.
let perInputBound: Duration = .seconds(15)
/// Rounds per fuzz test; raise with ORACLE_FUZZ_ROUNDS for a long local run.
let fuzzRounds = Int(ProcessInfo.processInfo.environment["ORACLE_FUZZ_ROUNDS"] ?? "") ?? 400
/// Extra seed mixed into the fixed seeds (ORACLE_FUZZ_SEED), so long runs can explore new inputs reproducibly.
let fuzzSeed = UInt64(ProcessInfo.processInfo.environment["ORACLE_FUZZ_SEED"] ?? "") ?? 0

func timed(_ body: () -> BuiltinResult) -> (BuiltinResult, Duration) {
    let clock = ContinuousClock()
    let t0 = clock.now
    let r = body()
    return (r, clock.now - t0)
}

@Test func tenMegabyteFileEndsWithDiagnostic() {
    let unit = "int f(char *s) { char b[8]; strcpy(b, s); return 0; }\n"
    let big = Array(String(repeating: unit, count: 10_000_000 / unit.utf8.count + 1).utf8)
    let (r, d) = timed { BuiltinAnalyzer().run(bytes: big) }
    #expect(d < perInputBound)
    #expect(r.diagnostics.contains { $0.kind == .inputTooLarge })
}

@Test func largeButAllowedFileIsAnalyzedOrStopsOnBudget() {
    let unit = "int f(char *s) { char b[8]; strcpy(b, s); return 0; }\n"
    let big = Array(String(repeating: unit, count: 4_000_000 / unit.utf8.count).utf8)
    var opts = BuiltinAnalyzer.Options()
    opts.timeBudget = .milliseconds(500)
    let (r, d) = timed { BuiltinAnalyzer(options: opts).run(bytes: big) }
    #expect(d < .seconds(10))
    #expect(!r.findings.isEmpty)
    #expect(r.functionCount > 1000 || r.diagnostics.contains { $0.kind == .timeBudgetExceeded })
}

@Test func unterminatedCommentAndString() {
    let a = BuiltinAnalyzer().run("int f(void) { return 0; }\n/* open comment\nint g() {}")
    #expect(a.diagnostics.contains { $0.kind == .unterminatedComment && $0.position?.line == 2 })
    let b = BuiltinAnalyzer().run("void f(char *s) { char b[4]; printf(\"unterminated\n strcpy(b, s); }")
    #expect(b.diagnostics.contains { $0.kind == .unterminatedString && $0.position?.line == 1 })
}

@Test func deepNestingAndBraceStorm() {
    let deep = "void f(int x) {" + String(repeating: "if (x) {", count: 5000) + "x++;" + String(repeating: "}", count: 5000) + "}"
    let (r, d) = timed { BuiltinAnalyzer().run(deep) }
    #expect(d < perInputBound && r.diagnostics.contains { $0.kind == .nestingTooDeep })
    let storm = String(repeating: "}{)(][", count: 200_000)
    let (s, d2) = timed { BuiltinAnalyzer().run(storm) }
    #expect(d2 < perInputBound && s.diagnostics.contains { $0.kind == .unbalancedBrackets })
    let macros = String(repeating: "#define A(x) B(x(\n", count: 20_000) + "void g() { A(A(A(1))); }"
    let (m, d3) = timed { BuiltinAnalyzer().run(macros) }
    #expect(d3 < perInputBound && m.functionCount == 1)
}

@Test func nonUTF8AndBinary() {
    var bytes = Array("void f(char *s) { char b[4]; strcpy(b, s); }\n".utf8)
    bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: 20)
    let r = BuiltinAnalyzer().run(bytes: bytes)
    #expect(r.diagnostics.contains { $0.kind == .invalidUTF8 && $0.position?.offset == 20 })
    #expect(r.findings.contains { $0.ruleID == "builtin.unbounded-copy" })
    var rng = SplitMix(state: 7)
    let binary = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let b = BuiltinAnalyzer().run(bytes: binary)
    #expect(b.diagnostics.contains { $0.kind == .binaryInput } && b.findings.isEmpty)
}

@Test func fuzzRandomBytesThroughLexerAndAnalyzer() {
    var rng = SplitMix(state: 42 &+ fuzzSeed)
    let alphabet = Array("{}()[];,*&=<>!+-/%\"'\\#\n \tabcxyz0123456789_RLu8".utf8) + [0x00, 0x80, 0xFF, 0xC3]
    for round in 0..<fuzzRounds {
        let n = Int.random(in: 0...2000, using: &rng)
        let bytes: [UInt8] = (0..<n).map { _ in
            Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        }
        let lexed = CLexer.lex(bytes)
        var last: Int32 = 0
        for t in lexed.tokens { #expect(t.start >= last && t.end > t.start && Int(t.end) <= n); last = t.end }
        // Bypass the binary screen so the structure and checkers see the noise too.
        let text = String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        let (_, d) = timed { BuiltinAnalyzer().run(text) }
        #expect(d < perInputBound, "round \(round)")
    }
}

@Test func fuzzMutatedRuleFixtures() throws {
    var rng = SplitMix(state: 1234 &+ fuzzSeed)
    let fixtures = try ruleFixtures().map { try Array(Data(contentsOf: $0)) }
    #expect(!fixtures.isEmpty)
    let snippets = ["{", "}", "(", ")", "\"", "'", "/*", "*/", "#define X {\n", "\\\n", "R\"(", ";", "free(p);", "[", "]", "\u{FF}"]
        .map { Array($0.utf8) }
    for round in 0..<fuzzRounds {
        var b = fixtures.randomElement(using: &rng)!
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
            guard !b.isEmpty else { break }
            let at = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: b.insert(contentsOf: snippets.randomElement(using: &rng)!, at: at)
            case 1: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...40, using: &rng)))
            case 2: b[at] = UInt8.random(in: 1...255, using: &rng)
            default: b.insert(contentsOf: b[at..<min(b.count, at + 200)], at: Int.random(in: 0...b.count, using: &rng))
            }
        }
        let (r, d) = timed { BuiltinAnalyzer().run(bytes: b) }
        #expect(d < perInputBound, "round \(round)")
        for f in r.findings {
            #expect(f.span.start.offset <= f.span.end.offset && f.span.end.offset <= b.count)
        }
    }
}
