// Computes a pair's `CodeDiff`: changed line ranges and exact character spans on both sides.

/// Diffs vulnerable against fixed code the way SVEN/SafeCoder did, so computed spans match theirs.
///
/// Both datasets' `char_changes` are the deletions of two diff-match-patch runs: `diff(before, after)`
/// gives the deleted spans, `diff(after, before)` the added ones. Running it twice (rather than reading
/// the insertions of one run) is what reproduces their spans exactly, since equal-cost alignments
/// differ by direction. SVEN used the raw diff, SafeCoder applied `diff_cleanupSemantic` to each run.
/// Line ranges come from a separate line-level diff.
public enum TextDiff {
    /// How character spans are cut.
    public enum Style: String, Sendable {
        /// Minimal edit (SVEN's convention): exact, but may split identifiers into fragments.
        case minimal
        /// Semantic cleanup (SafeCoder's convention): whole words and lines; the default for other
        /// sources, because token-level rewards want spans that cover whole tokens.
        case semantic
    }

    /// The full diff of one pair. Offsets are Unicode-scalar indices.
    public static func codeDiff(vulnerable: String, fixed: String, style: Style = .semantic,
                                engine: DiffMatchPatch = DiffMatchPatch()) -> CodeDiff {
        let a = vulnerable.unicodeScalars.map(\.value)
        let b = fixed.unicodeScalars.map(\.value)
        func run(_ x: [UInt32], _ y: [UInt32]) -> [DiffMatchPatch.Diff] {
            var d = engine.diffMain(x, y)
            if style == .semantic { engine.cleanupSemantic(&d) }
            return d
        }
        let deleted = deletions(run(a, b))
        let added = deletions(run(b, a))
        let (dl, al) = changedLines(vulnerable, fixed, engine: engine)
        return CodeDiff(deletedLines: dl, addedLines: al, deletedSpans: deleted, addedSpans: added)
    }

    /// Spans of `.delete` operations, in offsets of the diff's first text.
    static func deletions(_ diffs: [DiffMatchPatch.Diff]) -> [CharSpan] {
        var pos = 0
        var out: [CharSpan] = []
        for d in diffs {
            switch d.op {
            case .equal: pos += d.text.count
            case .delete: out.append(CharSpan(start: pos, end: pos + d.text.count)); pos += d.text.count
            case .insert: break
            }
        }
        return out
    }

    /// Lines deleted from `a` and added in `b` (1-based, merged into ranges), from a line-level diff.
    public static func changedLines(_ a: String, _ b: String, engine: DiffMatchPatch = DiffMatchPatch()) -> ([LineRange], [LineRange]) {
        var ids: [Substring: UInt32] = [:]
        func encode(_ s: String) -> [UInt32] {
            splitLines(s).map { line in
                if let k = ids[line] { return k }
                let k = UInt32(ids.count)
                ids[line] = k
                return k
            }
        }
        let la = encode(a), lb = encode(b)
        var lineA = 1, lineB = 1
        var del: [Int] = [], add: [Int] = []
        for d in engine.diffMain(la, lb, checkLines: false) {
            let n = d.text.count
            switch d.op {
            case .equal: lineA += n; lineB += n
            case .delete: del += lineA..<(lineA + n); lineA += n
            case .insert: add += lineB..<(lineB + n); lineB += n
            }
        }
        return (ranges(del), ranges(add))
    }

    /// Lines with their terminators, so a changed final newline counts as a change.
    static func splitLines(_ s: String) -> [Substring] {
        var out: [Substring] = []
        var start = s.startIndex
        var i = s.startIndex
        while i < s.endIndex {
            let next = s.index(after: i)
            if s[i] == "\n" || s[i] == "\r\n" { out.append(s[start..<next]); start = next }
            i = next
        }
        if start < s.endIndex { out.append(s[start...]) }
        return out
    }

    static func ranges(_ lines: [Int]) -> [LineRange] {
        var out: [LineRange] = []
        for l in lines {
            if let last = out.last, last.last + 1 == l { out[out.count - 1].last = l } else { out.append(LineRange(first: l, last: l)) }
        }
        return out
    }
}
