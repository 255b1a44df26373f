// Alignment of caller offsets to the composer's byte ranges, on crafted responses: split characters, straddling tokens, gaps.
import Foundation
import Rewards
import SecurityOracle
import Testing
@testable import RewardServer

/// A response whose prose has 2-, 3- and 4-byte characters before a vulnerable fenced block, so
/// character and byte offsets differ and byte-level tokens split characters.
let craftedResponse = """
Voilà — a “quick” copy 🔒:
```c
char *dup_name(const char *name) {
    char *out = malloc(strlen(name));
    strcpy(out, name);
    return out;
}
```
"""

/// The composer both sides use in tests: compile gate faked to "compiles", so the outcome is the oracle's alone.
func testComposer(_ config: RewardConfig = RewardConfig()) -> RewardComposer {
    RewardComposer(config: config, compile: { _ in true })
}

/// Hugging Face-style character offsets of byte-level tokens: a token covers every character its bytes touch.
func hfOffsets(_ response: String, tokenBytes: [[UInt8]]) -> [(Int, Int)] {
    let a = TokenAlignment(response: response)
    var pos = 0
    return tokenBytes.map { b in
        defer { pos += b.count }
        return b.isEmpty ? (a.charIndex(atOrAfter: pos), a.charIndex(atOrAfter: pos)) : a.charRange(bytes: pos, pos + b.count)
    }
}

/// Cuts `s` into tokens of `n` bytes (splitting characters), as byte arrays.
func byteChunks(_ s: String, _ n: Int) -> [[UInt8]] {
    let b = Array(s.utf8)
    return stride(from: 0, to: b.count, by: n).map { Array(b[$0..<min($0 + n, b.count)]) }
}

struct TokenAlignmentTests {
    @Test func charOffsetsBecomeWholeCharacterByteRanges() throws {
        let a = TokenAlignment(response: "aé🔒b")   // bytes: a=0, é=1..<3, 🔒=3..<7, b=7
        #expect(a.charCount == 4 && a.bytes.count == 8)
        let spans = try a.spans([(0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (4, 4)], unit: .char).get()
        #expect(spans.starts == [0, 1, 3, 3, 7, 8] && spans.ends == [1, 3, 7, 7, 8, 8])
        #expect(a.charRange(bytes: 4, 6) == (2, 3))     // inside the lock: the whole character
        #expect(a.charRange(bytes: 1, 4) == (1, 3))
        let bytes = try a.spans([(0, 3), (3, 8)], unit: .byte).get()
        #expect(bytes.starts == [0, 3] && bytes.ends == [3, 8])
    }

    @Test func outOfRangeOffsetsAreRejectedWithTheirIndex() {
        let a = TokenAlignment(response: "abc")
        for bad in [[(0, 1), (2, 4)], [(0, 1), (2, 1)], [(0, 1), (-1, 1)]] {
            guard case .failure(let e) = a.spans(bad, unit: .char) else { Issue.record("accepted \(bad)"); continue }
            #expect(e.reason.hasPrefix("offsets[1]"))
        }
        #expect((try? a.spans([(0, 3)], unit: .char).get()) != nil)
    }

    /// Tokens split the emoji and straddle the finding's boundaries: the penalized tokens are exactly
    /// those whose characters overlap a finding, and the rewards equal the in-process composer's on
    /// the same byte-level tokens.
    @Test func splitCharactersAndStraddlingTokensMatchInProcessRewards() async throws {
        var config = RewardConfig()
        config.checkCompile = false
        for n in [1, 2, 3, 5, 7] {
            let tokens = byteChunks(craftedResponse, n) + [[]]   // a trailing zero-width stop token
            let inProcess = await testComposer(config).compose(tokenBytes: tokens, reference: nil)
            let item = RewardItem(id: nil, response: craftedResponse, offsets: hfOffsets(craftedResponse, tokenBytes: tokens), unit: .char, reference: nil)
            let served = await RewardScorer(composer: testComposer(config)).score(item, index: 0)
            let rewards = try #require(served.tokenRewards)
            #expect(rewards.map(\.bitPattern) == inProcess.perToken.map(\.bitPattern), "chunk \(n)")
            #expect(served.outcome == config.outcomeVulnerable && served.vulnerable == true)
            // Every finding reports the tokens it penalized; together they are the nonzero tokens (bar the last).
            let findings = try #require(served.findings)
            #expect(findings.contains { $0.cwe == "CWE-120" })
            let penalized = Set(findings.flatMap(\.tokens))
            for (i, v) in rewards.enumerated().dropLast() { #expect((v != 0) == penalized.contains(i), "chunk \(n) token \(i)") }
            // The finding's character span names the strcpy call in the caller's own units.
            let copy = try #require(findings.first { $0.cwe == "CWE-120" })
            let chars = Array(craftedResponse.unicodeScalars)
            #expect(String(String.UnicodeScalarView(chars[copy.start..<copy.end])).hasPrefix("strcpy(out, name)"))
        }
    }

    /// Offsets with gaps (trimmed spaces) and a token repeated over one character still align by the rule.
    @Test func gapsAndRepeatedRangesFollowTheOverlapRule() async throws {
        var config = RewardConfig()
        config.checkCompile = false
        let a = TokenAlignment(response: craftedResponse)
        // Word-like tokens with the spaces between them left out, as trim_offsets does.
        var offsets: [(Int, Int)] = []
        let chars = Array(craftedResponse.unicodeScalars)
        var i = 0
        while i < chars.count {
            if chars[i] == " " { i += 1; continue }
            var j = i + 1
            while j < chars.count && chars[j] != " " && chars[j] != "\n" && chars[j] != "(" { j += 1 }
            offsets.append((i, j))
            if chars[i] == "🔒" { offsets.append((i, j)) }   // two byte-level pieces of one character
            i = j
        }
        let item = RewardItem(id: nil, response: craftedResponse, offsets: offsets, unit: .char, reference: nil)
        let served = await RewardScorer(composer: testComposer(config)).score(item, index: 0)
        let rewards = try #require(served.tokenRewards)
        #expect(rewards.count == offsets.count)
        let spans = try a.spans(offsets, unit: .char).get()
        for f in try #require(served.findings) {
            let expected = offsets.indices.filter { spans.starts[$0] < f.byteEnd && spans.ends[$0] > f.byteStart && spans.ends[$0] > spans.starts[$0] }
            #expect(f.tokens == expected)
        }
        // The total is the same as for any other tokenization of the response.
        let reference = await testComposer(config).compose(tokenBytes: byteChunks(craftedResponse, 4), reference: nil)
        #expect(abs((served.total ?? 0) - reference.total) < 1e-4)
    }
}
