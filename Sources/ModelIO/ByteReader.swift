// A bounds-checked little-endian cursor over untrusted bytes (GGUF headers, safetensors headers).

/// Reads little-endian scalars and length-prefixed strings from a byte buffer, throwing a
/// ``ModelIOError`` with the offending offset instead of reading past the end.
///
/// All counts read from a file go through ``checkCount(_:minBytesEach:what:)`` before any
/// allocation: a count can never exceed what the remaining bytes could possibly hold, so a
/// hostile "10^18 strings" header fails fast instead of allocating.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let file: String
    var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer, file: String, offset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    func fail(_ reason: String, at: Int? = nil) -> ModelIOError {
        ModelIOError(file: file, offset: at ?? offset, reason: reason)
    }

    mutating func need(_ n: Int, _ what: String) throws {
        guard n >= 0, n <= remaining else {
            throw fail("truncated: \(what) needs \(n) bytes, \(remaining) left")
        }
    }

    mutating func scalar<T: FixedWidthInteger>(_: T.Type, _ what: String) throws -> T {
        try need(MemoryLayout<T>.size, what)
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func u8(_ w: String) throws -> UInt8 { try scalar(UInt8.self, w) }
    mutating func u32(_ w: String) throws -> UInt32 { try scalar(UInt32.self, w) }
    mutating func u64(_ w: String) throws -> UInt64 { try scalar(UInt64.self, w) }

    mutating func f32(_ w: String) throws -> Float { Float(bitPattern: try u32(w)) }
    mutating func f64(_ w: String) throws -> Double { Double(bitPattern: try u64(w)) }

    /// A count that must fit in the remaining bytes at `minBytesEach` bytes per element.
    mutating func checkCount(_ n: UInt64, minBytesEach: Int, what: String) throws -> Int {
        let cap = UInt64(remaining / max(minBytesEach, 1))
        guard n <= cap else { throw fail("\(what) count \(n) cannot fit in the \(remaining) bytes left") }
        return Int(n)
    }

    /// A GGUF string: u64 length then UTF-8 bytes (invalid UTF-8 is repaired, not trusted).
    mutating func string(_ what: String) throws -> String {
        let start = offset
        let n = try u64("\(what) length")
        guard n <= UInt64(remaining) else { throw fail("\(what) length \(n) exceeds the \(remaining) bytes left", at: start) }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(n)]), as: UTF8.self)
        offset += Int(n)
        return s
    }
}
