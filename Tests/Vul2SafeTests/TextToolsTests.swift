// Unit tests for the text tools: SHA-256, reply extraction, span diff, leakage, near-duplicates, templates.
import Foundation
import SRCodeData
import Testing
@testable import Vul2Safe

@Suite struct TextToolsTests {
    @Test func sha256KnownVectors() {
        #expect(SHA256Digest.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = String(repeating: "a", count: 1000)
        #expect(SHA256Digest.hex(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func extractsCodeFromMessyReplies() {
        let reply = "Sure, here you go:\n```c\nint f(int x)\n{\n    return x;\n}\n```\nLet me know!"
        #expect(ReplyExtraction.code(in: reply, functionName: "f") == "int f(int x)\n{\n    return x;\n}")
        // Unterminated fence (a truncated reply) runs to the end.
        #expect(ReplyExtraction.code(in: "```cpp\nvoid g() {}\n", functionName: "g") == "void g() {}")
        // No fences: the function-shaped region.
        let bare = "The fix is below.\nint h(void)\n{\n  return 1;\n}\nThat's it."
        #expect(ReplyExtraction.code(in: bare, functionName: "h") == "int h(void)\n{\n  return 1;\n}")
        #expect(ReplyExtraction.code(in: "no code here", functionName: "zz") == nil)
    }

    @Test func extractsJSONFromMessyReplies() {
        let fenced = "Answer:\n```json\n{\"a\": 1, \"b\": [1, 2,],}\n```"
        #expect(ReplyExtraction.jsonObject(in: fenced)?["a"] as? Int == 1)
        let prose = "I think {\"verdict\": \"accept\", \"critique\": \"ok {fine}\"} is right."
        #expect(ReplyExtraction.jsonObject(in: prose)?["verdict"] as? String == "accept")
        let truncated = "{\"root_cause\": \"the length is not che"
        #expect(ReplyExtraction.jsonObject(in: truncated)?["root_cause"] as? String == "the length is not che")
        #expect(ReplyExtraction.jsonArray(in: "prompts: [{\"style\": \"x\", \"prompt\": \"y\"}] done")?.count == 1)
        #expect(ReplyExtraction.jsonObject(in: "<html>502</html>") == nil)
        // What Qwen2.5-Coder-0.5B wrote as a teacher: comments inside the JSON (kept inside strings).
        let commented = "```json\n{\n  \"root_cause\": \"path // traversal\",\n  \"vulnerable_lines\": [\n    2,  // Concatenation\n    3 /* open */\n  ]\n}\n```"
        let parsed = ReplyExtraction.jsonObject(in: commented)
        #expect(parsed?["root_cause"] as? String == "path // traversal")
        #expect(parsed?["vulnerable_lines"] as? [Int] == [2, 3])
    }

    @Test func spanDiffFindsInsertedCheck() {
        let a = "int f(int n)\n{\n    return buf[n];\n}\n"
        let b = "int f(int n)\n{\n    if (n < 0 || n >= 16)\n        return -1;\n    return buf[n];\n}\n"
        let d = SpanDiff.codeDiff(from: a, to: b)
        #expect(d.deletedLines.isEmpty)
        #expect(d.addedLines == [LineRange(first: 3, last: 4)])
        #expect(d.deletedSpans.isEmpty)
        let scalars = Array(b.unicodeScalars)
        let added = d.addedSpans.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        #expect(added == ["if (n < 0 || n >= 16)\n        return -1;"])
        // Insertion anchors: lines 2 and 3 of the vulnerable side.
        #expect(SpanDiff.touchedLines(from: a, to: b) == [2, 3])
    }

    @Test func spanDiffRefinesReplacementToLexemes() {
        let a = "if (n > len) return;\nuse(é, n);\n"
        let b = "if (n >= len) return;\nuse(é, n);\n"
        let d = SpanDiff.codeDiff(from: a, to: b)
        #expect(d.deletedLines == [LineRange(first: 1, last: 1)] && d.addedLines == [LineRange(first: 1, last: 1)])
        #expect(d.deletedSpans == [CharSpan(start: 6, end: 7)])
        #expect(d.addedSpans == [CharSpan(start: 6, end: 8)])
        // Offsets count Unicode scalars: a change after "é" lands where Python would put it.
        let c = "use(é, m);\n"
        #expect(SpanDiff.codeDiff(from: "use(é, n);\n", to: c).addedSpans == [CharSpan(start: 7, end: 8)])
        #expect(SpanDiff.codeDiff(from: a, to: a) == CodeDiff())
    }

    @Test func myersMatchesOnRandomEdits() {
        var rng = SplitMix(seed: 7)
        for _ in 0..<200 {
            let a = (0..<Int(rng.next() % 12)).map { _ in Int(rng.next() % 4) }
            let b = (0..<Int(rng.next() % 12)).map { _ in Int(rng.next() % 4) }
            // Applying the hunks to a must reproduce b, and the edit must be minimal-ish (≤ |a|+|b|).
            var out: [Int] = []
            var ai = 0
            for h in SpanDiff.hunks(a, b) {
                out += a[ai..<h.aRange.lowerBound]
                out += b[h.bRange]
                ai = h.aRange.upperBound
            }
            out += a[ai...]
            #expect(out == b)
        }
    }

    @Test func leakageFilterCatchesVocabularyStemsAndCWETerms() {
        let f = LeakageFilter()
        #expect(f.leaks(in: "Implement a function that copies the name.", cwes: ["CWE-787"]).isEmpty)
        #expect(f.leaks(in: "Make it secure against attackers.", cwes: []).contains("secur*"))
        #expect(f.leaks(in: "Avoid an out-of-bounds write when copying.", cwes: ["CWE-787"]).contains("out-of-bounds"))
        #expect(f.leaks(in: "Handle the use after free in the list.", cwes: ["CWE-416"]).contains("use after free"))
        #expect(!f.leaks(in: "Mention CWE-787 here", cwes: ["CWE-787"]).isEmpty)
        // Word boundaries: "prefix" is not "fix", "safely" is a listed term but "unsafety" is not "safe".
        #expect(f.leaks(in: "Return the common prefix of two strings.", cwes: []).isEmpty)
        #expect(f.name(of: "CWE-787") == "Out-of-bounds Write")
    }

    @Test func nearDuplicatesAreRemovedAndDiversityMeasured() {
        let texts = ["Write a function that copies a user name into the session record.",
                     "Write a function that copies a user name into the session record!",
                     "Describe an API that returns the number of items in a list."]
        #expect(NearDuplicate.keepIndices(texts) == [0, 2])
        let d = NearDuplicate.diversity(texts)
        #expect(d.count == 3)
        #expect(d.meanPairwiseJaccard > 0.3 && d.meanPairwiseJaccard < 0.5)
        #expect(d.distinct1 > 0 && d.distinct1 <= 1)
        #expect(NearDuplicate.estimatedJaccard(NearDuplicate.minHash(NearDuplicate.shingles(texts[0])),
                                               NearDuplicate.minHash(NearDuplicate.shingles(texts[0]))) == 1)
    }

    @Test func promptTemplatesRenderStrictly() throws {
        let lib = try PromptLibrary()
        #expect(Set(lib.templates.keys) == Set(PromptLibrary.required + PromptLibrary.optional))
        #expect(try PromptLibrary.fill("a {{x}} b {{ y }}", ["x": "1", "y": "2"], name: "t") == "a 1 b 2")
        #expect(throws: (any Error).self) { try PromptLibrary.fill("{{missing}}", [:], name: "t") }
    }

    @Test func offlinePromptsUseSignatureAndCommentWithoutLeaking() {
        let p = Fixtures.copyName
        let prompts = ImplicitPrompts.offline(pair: p, code: p.fixedCode, filter: LeakageFilter())
        #expect(prompts.count == 4)
        #expect(prompts.allSatisfy { $0.origin == "offline" })
        #expect(prompts[0].text.contains("int copy_name(char *dst, const char *src)"))
        #expect(prompts[3].text.hasSuffix("int copy_name(char *dst, const char *src)\n{"))
        #expect(prompts[0].text.contains("Copy the user name into the session record."))
        #expect(prompts.allSatisfy { LeakageFilter().leaks(in: $0.text, cwes: p.cwes).isEmpty })
    }

    @Test func splitIsStableAndRoughly80_10_10() {
        var counts: [String: Int] = [:]
        for i in 0..<2000 { counts[SplitAssigner.hashSplit("proj/\(i)"), default: 0] += 1 }
        #expect(SplitAssigner.hashSplit("proj/42") == SplitAssigner.hashSplit("proj/42"))
        #expect((1500...1700).contains(counts["train"] ?? 0))
        #expect((140...260).contains(counts["valid"] ?? 0))
        #expect((140...260).contains(counts["test"] ?? 0))
    }
}

/// A tiny deterministic RNG for property tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// PrimeVul+ must split exactly as `srcode data split` does, or a test commit could train the policy.
@Test func primeVulPlusSplitAgreesWithDataSplit() {
    for i in 0..<500 {
        let group = "commit:\(i)"
        #expect(SplitAssigner.hashSplit(group) == PairSplitter().split(ofGroup: group).rawValue)
    }
}
