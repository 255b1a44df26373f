// Incremental detokenization that never splits a UTF-8 character across emitted chunks.

/// Turns a stream of token ids into text chunks. A multi-byte character spread over several
/// tokens (common for CJK and emoji in byte-level BPE) is held back until complete, so every chunk
/// is valid text and the concatenation of chunks equals ``Tokenizer/decode(_:skipSpecial:)``.
///
/// ```swift
/// var stream = StreamingDecoder(tokenizer: tok)
/// for id in ids { print(stream.push(id), terminator: "") }
/// print(stream.finish())
/// ```
public struct StreamingDecoder {
    public let tokenizer: Tokenizer
    public var skipSpecial: Bool
    private var pending: [UInt8] = []

    public init(tokenizer: Tokenizer, skipSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// Adds one token; returns the text that is now complete (possibly empty).
    public mutating func push(_ id: Int) -> String {
        pending += tokenizer.decodeBytes([id], skipSpecial: skipSpecial)
        let cut = completePrefix(pending)
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Flushes what is left (an incomplete character becomes U+FFFD, as in `decode`).
    public mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the prefix of `b` that does not end inside an incomplete UTF-8 sequence.
    func completePrefix(_ b: [UInt8]) -> Int {
        var i = b.count - 1
        var back = 0
        // Walk back over at most 3 continuation bytes to the lead byte of the last character.
        while i >= 0, back < 4, b[i] & 0xC0 == 0x80 { i -= 1; back += 1 }
        guard i >= 0 else { return b.count }
        let lead = b[i]
        let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        // Incomplete: hold the lead byte and its continuations back. Invalid leads pass through.
        if lead >= 0xC0 && lead < 0xF8 && back + 1 < need { return i }
        return b.count
    }
}
