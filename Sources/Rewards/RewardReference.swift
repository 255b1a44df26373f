// What the composer needs from a PrimeVul+ record: the CWE and the repair's secure and vulnerable fragments.
import SRCodeData

/// The reference a response is judged against: the record's secure and vulnerable code and the
/// character spans (Unicode-scalar offsets, as in `CodeDiff`) that realize the fix and the flaw.
public struct RewardReference: Codable, Sendable, Equatable {
    public var cwes: [String]
    public var secureCode: String
    public var vulnerableCode: String
    public var secureSpans: [CharSpan]
    public var vulnerableSpans: [CharSpan]
    /// The task's own tests, when a caller has them: C (or C++) with a `main` that exits non-zero on a
    /// failure, compiled after the response's code (``FunctionalTerm/runTests(code:tests:cplusplus:timeout:)``).
    public var tests: String?

    public init(cwes: [String], secureCode: String, vulnerableCode: String, secureSpans: [CharSpan], vulnerableSpans: [CharSpan]) {
        self.cwes = cwes
        self.secureCode = secureCode
        self.vulnerableCode = vulnerableCode
        self.secureSpans = secureSpans
        self.vulnerableSpans = vulnerableSpans
    }

    /// A reference straight from an imported fix pair (the official patch as the repair).
    public init(pair: VulnerabilityPair) {
        self.init(cwes: pair.cwes, secureCode: pair.fixedCode, vulnerableCode: pair.vulnerableCode,
                  secureSpans: pair.diff.addedSpans, vulnerableSpans: pair.diff.deletedSpans)
    }

    enum CodingKeys: String, CodingKey {
        case cwes
        case secureCode = "secure_code"
        case vulnerableCode = "vulnerable_code"
        case secureSpans = "secure_spans"
        case vulnerableSpans = "vulnerable_spans"
        case tests
    }

    /// Pattern fragments: each line of `code` touched by a span or changed in a line diff against
    /// `other`, as C tokens. Lines are the unit because minimal diffs cut mid-identifier, while a whole
    /// added line (`if (n >= sizeof buf) return -1;`) is the pattern a policy would reproduce; the line
    /// diff catches modified lines whose character diff is a pure insertion (`sprintf` → `snprintf`
    /// deletes nothing). A fragment that also occurs in `other` is dropped: it is not what
    /// distinguishes the two versions.
    static func fragments(code: String, spans: [CharSpan], other: String) -> [CodeFragment] {
        let scalars = Array(code.unicodeScalars)
        var lineStarts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { lineStarts.append(i + 1) }
        func line(of offset: Int) -> Int {
            var a = 0, b = lineStarts.count
            while a + 1 < b { let m = (a + b) / 2; if lineStarts[m] <= offset { a = m } else { b = m } }
            return a
        }
        var lines: [Int] = []
        for r in TextDiff.changedLines(other, code).1 { lines += (r.first - 1)...(r.last - 1) }
        for sp in spans where sp.start < scalars.count {
            for l in line(of: sp.start)...line(of: max(sp.start, min(sp.end, scalars.count) - 1)) where !lines.contains(l) { lines.append(l) }
        }
        let otherMatcher = FragmentMatcher(code: Array(other.utf8))
        var out: [CodeFragment] = []
        for l in Set(lines).sorted() where l < lineStarts.count {
            let lo = lineStarts[l], hi = l + 1 < lineStarts.count ? lineStarts[l + 1] : scalars.count
            let text = String(String.UnicodeScalarView(scalars[lo..<hi]))
            guard let f = CodeFragment(text), !out.contains(f), otherMatcher.occurrences(of: f).isEmpty else { continue }
            out.append(f)
        }
        return out
    }

    public var secureFragments: [CodeFragment] { Self.fragments(code: secureCode, spans: secureSpans, other: vulnerableCode) }
    public var vulnerableFragments: [CodeFragment] { Self.fragments(code: vulnerableCode, spans: vulnerableSpans, other: secureCode) }
}
