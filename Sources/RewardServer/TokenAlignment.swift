// Maps a caller's token offsets (characters or bytes of the response) onto the response's UTF-8 bytes, and back.
import Rewards

/// The bridge between a remote tokenizer's offsets and the composer's byte ranges.
///
/// The rule, which makes alignment exact for any tokenizer: **a token receives a share of every
/// reward source whose byte range overlaps the bytes of the characters its offsets cover.**
///
/// - Offsets are `[start, end)` in Unicode code points of the response (what Python's `str`
///   indexes and what a Hugging Face fast tokenizer returns with `return_offsets_mapping`), or in
///   UTF-8 bytes with `"offset_unit": "byte"`.
/// - A character offset becomes the byte range of the whole characters it covers. Two byte-level
///   tokens that split one multi-byte character both report that character, so both cover all of
///   its bytes, and both are penalized when a finding overlaps it. Findings start and end on C-token
///   boundaries, so with our byte-level tokenizers the penalized set is the same as in-process.
/// - A token that straddles a finding's boundary overlaps it, so it is penalized; a zero-width
///   token (a special token, offsets `(0, 0)`) is never penalized but still receives the outcome
///   when it is the last token, exactly like a stop token in `train ppo`.
/// - Offsets may leave gaps (trimmed whitespace) or repeat; they are used as given.
public struct TokenAlignment: Sendable {
    /// `byteOfChar[c]` is the byte offset where character `c` starts; the last entry is the byte count.
    public let byteOfChar: [Int]
    public let bytes: [UInt8]

    public init(response: String) {
        var b: [Int] = [0]
        b.reserveCapacity(response.unicodeScalars.count + 1)
        var pos = 0
        for s in response.unicodeScalars {
            pos += UTF8.width(s)
            b.append(pos)
        }
        byteOfChar = b
        bytes = Array(response.utf8)
    }

    public var charCount: Int { byteOfChar.count - 1 }

    /// Where offsets are counted.
    public enum Unit: String, Sendable { case char, byte }

    /// Byte spans of the caller's tokens, or a reason (`offsets[7]: …`) when an offset is out of range.
    public func spans(_ offsets: [(Int, Int)], unit: Unit) -> Result<TokenSpans, AlignmentError> {
        let limit = unit == .char ? charCount : bytes.count
        var starts: [Int] = [], ends: [Int] = []
        starts.reserveCapacity(offsets.count)
        ends.reserveCapacity(offsets.count)
        for (i, (s, e)) in offsets.enumerated() {
            guard s >= 0, e >= s, e <= limit else {
                return .failure(AlignmentError(reason: "offsets[\(i)] = [\(s), \(e)] is not a range within the response's \(limit) \(unit == .char ? "characters" : "bytes")"))
            }
            if unit == .char { starts.append(byteOfChar[s]); ends.append(byteOfChar[e]) } else { starts.append(s); ends.append(e) }
        }
        return .success(TokenSpans(starts: starts, ends: ends))
    }

    /// The character range that holds the byte range `[lo, hi)`: a partial character counts whole.
    public func charRange(bytes lo: Int, _ hi: Int) -> (Int, Int) {
        (charIndex(containing: lo), charIndex(atOrAfter: hi))
    }

    /// The character whose bytes include byte `b` (the last start ≤ b).
    func charIndex(containing b: Int) -> Int {
        var a = 0, z = byteOfChar.count - 1
        while a < z { let m = (a + z + 1) / 2; if byteOfChar[m] <= b { a = m } else { z = m - 1 } }
        return min(a, charCount)
    }

    /// The first character starting at or after byte `b`.
    func charIndex(atOrAfter b: Int) -> Int {
        var a = 0, z = byteOfChar.count - 1
        while a < z { let m = (a + z) / 2; if byteOfChar[m] < b { a = m + 1 } else { z = m } }
        return a
    }
}

/// Why a token offset list could not be aligned.
public struct AlignmentError: Error, Sendable { public var reason: String }
