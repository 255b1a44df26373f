// GPT-2's byte ↔ printable-character mapping that byte-level BPE vocabularies are written in.

/// Byte-level BPE stores each byte as a printable Unicode character so that vocab entries are
/// strings: bytes 33–126, 161–172 and 174–255 map to themselves, the other 68 bytes to U+0100….
/// (So a space is stored as "Ġ", a newline as "Ċ".)
enum ByteLevel {
    /// Character for each byte.
    static let byteToChar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            if (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b) {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(256 + n)!
                n += 1
            }
        }
        return table
    }()

    /// Byte for each mapped character code point (index = code point, < 324), -1 if unmapped.
    static let charToByte: [Int16] = {
        var t = [Int16](repeating: -1, count: 324)
        for (b, c) in byteToChar.enumerated() { t[Int(c.value)] = Int16(b) }
        return t
    }()

    /// The raw bytes a vocab string stands for, or nil if it contains a character outside the map.
    static func decode(_ token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for u in token.unicodeScalars {
            guard u.value < 324, charToByte[Int(u.value)] >= 0 else { return nil }
            out.append(UInt8(charToByte[Int(u.value)]))
        }
        return out
    }

    /// The vocab string for raw bytes.
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(byteToChar[Int(b)]) }
        return String(s)
    }
}
