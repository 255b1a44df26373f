// Maps byte ranges of a response to the indices of the model tokens that cover them.

/// Byte offsets of each model token in the response text.
///
/// Byte-level BPE tokens concatenate to the response bytes exactly, so a token's range is the
/// running sum of its byte lengths. This is what "the tokenizer's offsets" means for our tokenizers,
/// and it needs no tokenizer here: callers pass each token's bytes (`Tokenizer.decodeBytes([id])`).
public struct TokenSpans: Sendable {
    /// `starts[i]..<ends[i]` are token i's bytes.
    public let starts: [Int]
    public let ends: [Int]

    public init(tokenByteCounts: [Int]) {
        var s: [Int] = [], e: [Int] = []
        s.reserveCapacity(tokenByteCounts.count)
        var pos = 0
        for n in tokenByteCounts { s.append(pos); pos += n; e.append(pos) }
        starts = s
        ends = e
    }

    public var count: Int { starts.count }
    public var byteCount: Int { ends.last ?? 0 }

    /// Tokens overlapping the half-open byte range `[lo, hi)`. Zero-width tokens (special tokens) never match.
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
