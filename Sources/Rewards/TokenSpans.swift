// Maps byte ranges of a response to the indices of the model tokens that cover them.

/// Byte offsets of each model token in the response text.
///
/// Byte-level BPE tokens concatenate to the response bytes exactly, so a token's range is the
/// running sum of its byte lengths. This is what "the tokenizer's offsets" means for our tokenizers,
/// and it needs no tokenizer here: callers pass each token's bytes (`Tokenizer.decodeBytes([id])`).
///
/// A remote caller's tokenizer (the reward server) gives explicit ranges instead, which may leave
/// gaps (trimmed whitespace), repeat a range (two tokens that split one UTF-8 character both cover
/// it) or, for exotic tokenizers, go backwards: ``init(starts:ends:)`` keeps them as given.
public struct TokenSpans: Sendable {
    /// `starts[i]..<ends[i]` are token i's bytes.
    public let starts: [Int]
    public let ends: [Int]
    /// Starts and ends both non-decreasing: overlap queries can binary-search.
    let monotone: Bool

    public init(tokenByteCounts: [Int]) {
        var s: [Int] = [], e: [Int] = []
        s.reserveCapacity(tokenByteCounts.count)
        var pos = 0
        for n in tokenByteCounts { s.append(pos); pos += n; e.append(pos) }
        starts = s
        ends = e
        monotone = true
    }

    /// Explicit byte ranges `starts[i]..<ends[i]` (same count; `ends[i] >= starts[i]`).
    public init(starts: [Int], ends: [Int]) {
        precondition(starts.count == ends.count, "one start and one end per token")
        self.starts = starts
        self.ends = ends
        monotone = zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 } && zip(ends, ends.dropFirst()).allSatisfy { $0 <= $1 }
    }

    public var count: Int { starts.count }
    public var byteCount: Int { ends.max() ?? 0 }

    /// Tokens overlapping the half-open byte range `[lo, hi)`, as indices. Zero-width tokens (special
    /// tokens) are included only when they sit strictly inside; callers drop them.
    public func indices(overlapping lo: Int, _ hi: Int) -> [Int] {
        if monotone { return Array(tokens(overlapping: lo, hi)) }
        guard lo < hi else { return [] }
        return starts.indices.filter { starts[$0] < hi && ends[$0] > lo }
    }

    /// Tokens overlapping the half-open byte range `[lo, hi)`, for monotone spans (see ``indices(overlapping:_:)``).
    public func tokens(overlapping lo: Int, _ hi: Int) -> Range<Int> {
        guard lo < hi, count > 0 else { return 0..<0 }
        // First token whose end is past lo, by binary search over the sorted ends.
        var a = 0, b = count
        while a < b { let m = (a + b) / 2; if ends[m] <= lo { a = m + 1 } else { b = m } }
        var z = a
        while z < count && starts[z] < hi { z += 1 }
        return a..<z
    }
}
