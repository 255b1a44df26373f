// Myers diff over lines, refined inside each changed hunk over lexemes, producing `CodeDiff` spans.
//
// Written here because SRCodeData's `TextDiff` had not landed when Vul2Safe needed it; the output
// type is SRCodeData's `CodeDiff`, so swapping implementations later changes no record field.
import SRCodeData

/// One maximal non-equal region: `a[aRange]` was replaced by `b[bRange]` (either may be empty).
public struct DiffHunk: Equatable, Sendable {
    public var aRange: Range<Int>
    public var bRange: Range<Int>
}

public enum SpanDiff {
    // MARK: - Myers O(ND)

    /// The non-equal hunks between `a` and `b`, or a single whole-range hunk when the edit distance
    /// exceeds `maxD` (bounds the O(D·(N+M)) trace memory on rewrites).
    public static func hunks<T: Equatable>(_ a: [T], _ b: [T], maxD: Int = 4000) -> [DiffHunk] {
        let n = a.count, m = b.count
        if n == 0 && m == 0 { return [] }
        let maxSteps = min(n + m, maxD)
        let offset = maxSteps + 1
        var v = [Int](repeating: 0, count: 2 * offset + 1)
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...maxSteps {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { found = true; break outer }
            }
        }
        guard found else { return [DiffHunk(aRange: 0..<n, bRange: 0..<m)] }
        // Backtrack to collect matched (diagonal) pairs, then read hunks off the gaps.
        var matches: [(Int, Int)] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, to: 0, by: -1) {
            let vd = trace[d]  // the frontier after d−1 edits
            let k = x - y
            let prevK = (k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1])) ? k + 1 : k - 1
            let prevX = vd[offset + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY { x -= 1; y -= 1; matches.append((x, y)) }
            x = prevX; y = prevY
        }
        while x > 0 && y > 0 { x -= 1; y -= 1; matches.append((x, y)) }
        matches.reverse()
        var out: [DiffHunk] = []
        var ai = 0, bi = 0
        for (mx, my) in matches + [(n, m)] {
            if mx > ai || my > bi { out.append(DiffHunk(aRange: ai..<mx, bRange: bi..<my)) }
            ai = mx + 1; bi = my + 1
        }
        return out
    }

    // MARK: - Lines, then lexemes

    /// The edit from `a` to `b`: changed line ranges (1-based) and exact Unicode-scalar spans.
    ///
    /// Inside each changed line hunk the two sides are re-diffed over lexemes (identifier/number
    /// runs, whitespace runs, single punctuation), so `if (n > len)` → `if (n >= len)` yields the
    /// span of `>`/`>=` rather than the whole line, without the scattered one-letter matches a
    /// raw character diff produces.
    public static func codeDiff(from a: String, to b: String) -> CodeDiff {
        let aLines = lines(a), bLines = lines(b)
        var diff = CodeDiff()
        for h in hunks(aLines.map(\.text), bLines.map(\.text)) {
            if !h.aRange.isEmpty { diff.deletedLines.append(LineRange(first: h.aRange.lowerBound + 1, last: h.aRange.upperBound)) }
            if !h.bRange.isEmpty { diff.addedLines.append(LineRange(first: h.bRange.lowerBound + 1, last: h.bRange.upperBound)) }
            let aStart = h.aRange.isEmpty ? offsetOfLine(h.aRange.lowerBound, aLines, total: a) : aLines[h.aRange.lowerBound].start
            let bStart = h.bRange.isEmpty ? offsetOfLine(h.bRange.lowerBound, bLines, total: b) : bLines[h.bRange.lowerBound].start
            let aText = h.aRange.map { aLines[$0].text }.joined()
            let bText = h.bRange.map { bLines[$0].text }.joined()
            let aLex = lexemes(aText), bLex = lexemes(bText)
            for t in mergeShortEqualities(hunks(aLex.map(\.text), bLex.map(\.text), maxD: 1500), aLex, bLex) {
                if let s = span(t.aRange, aLex, base: aStart) { diff.deletedSpans.append(s) }
                if let s = span(t.bRange, bLex, base: bStart) { diff.addedSpans.append(s) }
            }
        }
        return diff
    }

    /// The 1-based lines of `a` touched by the edit `a → b`. A pure insertion before line k touches
    /// its anchors k−1 and k, so insert-only fixes (an added bounds check) can still overlap.
    public static func touchedLines(from a: String, to b: String) -> Set<Int> {
        var out = Set<Int>()
        for h in hunks(lines(a).map(\.text), lines(b).map(\.text)) {
            if h.aRange.isEmpty {
                out.insert(max(1, h.aRange.lowerBound)); out.insert(h.aRange.lowerBound + 1)
            } else {
                out.formUnion((h.aRange.lowerBound + 1)...h.aRange.upperBound)
            }
        }
        return out
    }

    // MARK: - Tokenizing into offset-carrying pieces

    struct Piece { var text: String; var start: Int; var length: Int }

    /// Lines including their `\n`, with Unicode-scalar start offsets.
    static func lines(_ s: String) -> [Piece] {
        var out: [Piece] = []
        var current = String.UnicodeScalarView()
        var start = 0, pos = 0
        for u in s.unicodeScalars {
            current.append(u); pos += 1
            if u == "\n" { out.append(Piece(text: String(current), start: start, length: pos - start)); current = .init(); start = pos }
        }
        if !current.isEmpty { out.append(Piece(text: String(current), start: start, length: pos - start)) }
        return out
    }

    static func lexemes(_ s: String) -> [Piece] {
        var out: [Piece] = []
        var current = String.UnicodeScalarView()
        var kind = 0, start = 0, pos = 0
        func classOf(_ u: Unicode.Scalar) -> Int {
            if u.properties.isAlphabetic || u == "_" || ("0"..."9").contains(u) { return 1 }
            if u == " " || u == "\t" { return 2 }
            if "<>=!&|+-*/%^".unicodeScalars.contains(u) { return 4 }  // operator runs: `>=`, `->`, `&&`
            return 3  // other punctuation, newline: one lexeme each
        }
        for u in s.unicodeScalars {
            let c = classOf(u)
            if !current.isEmpty && (c != kind || c == 3) {
                out.append(Piece(text: String(current), start: start, length: pos - start)); current = .init(); start = pos
            }
            current.append(u); kind = c; pos += 1
        }
        if !current.isEmpty { out.append(Piece(text: String(current), start: start, length: pos - start)) }
        return out
    }

    /// diff-match-patch's semantic cleanup on lexeme hunks: an equal run no longer (in scalars) than
    /// the edits on both sides of it is folded into one edit, so `if (strlen(src) >= 64)` replacing
    /// `strcpy(dst, src)` is one span, not fragments around a coincidentally shared `(` or `src`.
    static func mergeShortEqualities(_ hunks: [DiffHunk], _ a: [Piece], _ b: [Piece]) -> [DiffHunk] {
        func size(_ r: Range<Int>, _ p: [Piece]) -> Int { r.reduce(0) { $0 + p[$1].length } }
        func editSize(_ h: DiffHunk) -> Int { max(size(h.aRange, a), size(h.bRange, b)) }
        var out = hunks
        var changed = true
        while changed && out.count > 1 {
            changed = false
            var i = 0
            while i + 1 < out.count {
                let gap = size(out[i].aRange.upperBound..<out[i + 1].aRange.lowerBound, a)
                if gap <= editSize(out[i]) && gap <= editSize(out[i + 1]) {
                    out[i] = DiffHunk(aRange: out[i].aRange.lowerBound..<out[i + 1].aRange.upperBound,
                                      bRange: out[i].bRange.lowerBound..<out[i + 1].bRange.upperBound)
                    out.remove(at: i + 1)
                    changed = true
                } else { i += 1 }
            }
        }
        return out
    }

    private static func offsetOfLine(_ index: Int, _ lines: [Piece], total: String) -> Int {
        index < lines.count ? lines[index].start : total.unicodeScalars.count
    }

    private static func span(_ r: Range<Int>, _ pieces: [Piece], base: Int) -> CharSpan? {
        guard !r.isEmpty else { return nil }
        // Trim pure-whitespace lexemes at the edges: re-indentation is not part of the fix.
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, pieces[lo].text.allSatisfy(\.isWhitespace) { lo += 1 }
        while hi > lo, pieces[hi - 1].text.allSatisfy(\.isWhitespace) { hi -= 1 }
        guard lo < hi else { return nil }
        return CharSpan(start: base + pieces[lo].start, end: base + pieces[hi - 1].start + pieces[hi - 1].length)
    }
}

// MARK: - Unified diff text (for prompts)

extension SpanDiff {
    /// A unified diff of `a → b` with `context` lines around each hunk; line numbers are 1-based.
    public static func unified(from a: String, to b: String, context: Int = 1) -> String {
        let al = lines(a).map { $0.text.hasSuffix("\n") ? String($0.text.dropLast()) : $0.text }
        let bl = lines(b).map { $0.text.hasSuffix("\n") ? String($0.text.dropLast()) : $0.text }
        var out: [String] = []
        for h in hunks(al, bl) {
            let pre = max(0, h.aRange.lowerBound - context)
            let post = min(al.count, h.aRange.upperBound + context)
            let bPre = h.bRange.lowerBound - (h.aRange.lowerBound - pre)
            let bPost = h.bRange.upperBound + (post - h.aRange.upperBound)
            out.append("@@ -\(pre + 1),\(post - pre) +\(bPre + 1),\(bPost - bPre) @@")
            for i in pre..<h.aRange.lowerBound { out.append(" " + al[i]) }
            for i in h.aRange { out.append("-" + al[i]) }
            for i in h.bRange { out.append("+" + bl[i]) }
            for i in h.aRange.upperBound..<post { out.append(" " + al[i]) }
        }
        return out.joined(separator: "\n")
    }
}
