// Finds the code in a model's response, and where it sits, so findings map back to response bytes.

/// The code part of a response: its text and its byte range within the response.
public struct ResponseCode: Sendable, Equatable {
    public var code: String
    /// Byte offset of `code`'s first byte in the response.
    public var offset: Int
    /// `false` when the response held no recognizable code at all.
    public var found: Bool

    /// Extracts the first fenced block (```c, ```cpp, ``` …) or, when there is no fence, the whole
    /// response if it looks like C (a `;` or `{`). An unterminated fence (the model hit max tokens)
    /// still counts: its code runs to the end.
    public static func extract(from response: [UInt8]) -> ResponseCode {
        let fence: [UInt8] = Array("```".utf8)
        if let open = find(fence, in: response, from: 0) {
            // Skip the info string (`c`, `cpp`, …) to the end of the fence line.
            var start = open + 3
            while start < response.count && response[start] != 0x0A { start += 1 }
            start = min(start + 1, response.count)
            let close = find(fence, in: response, from: start) ?? response.count
            return ResponseCode(code: String(decoding: response[start..<close], as: UTF8.self), offset: start, found: close > start)
        }
        let looksLikeC = response.contains(UInt8(ascii: ";")) || response.contains(UInt8(ascii: "{"))
        return ResponseCode(code: looksLikeC ? String(decoding: response, as: UTF8.self) : "", offset: 0, found: looksLikeC)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
