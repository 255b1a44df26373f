// The longest text a printf format can produce: what `sprintf` into a fixed array must have room for.

/// Worst-case output length of a printf-family format literal.
///
/// Why: "flag the flaw, not the call". `sprintf(buf, "%d", n)` is safe into `char buf[12]` and overflows
/// `char buf[8]` ("-2147483648" plus the NUL); only the format's longest output against the array's size tells
/// the two apart. Each conversion counts at its widest for its length modifier (`%hhu` 3, `%d` 11, `%lld` 20,
/// `%x` 8, `%p` 18, `%e` 14), `%f` counts a `DBL_MAX`-sized value (309 integer digits), and a width raises a
/// conversion to at least that width. When an argument is known to be narrow (a `char` or `short` variable),
/// the caller passes its byte size so that `%d` of an `unsigned char` counts 3, not 11.
enum FormatLength {
    /// Bytes the format writes, without the terminating NUL; `nil` when the output has no static bound this
    /// function can state (`%s` without precision, `*` widths): other rules, or none, judge those.
    /// - Parameters:
    ///   - literals: the format's string-literal tokens as written (quotes and escapes included; adjacent
    ///     literals concatenate).
    ///   - argumentBytes: for the n-th value-consuming conversion, the byte size of its argument's declared type
    ///     when known (1 for `char`, 2 for `short`), else `nil` (the promoted `int` or the length modifier rules).
    static func worstCase(literals: [String], argumentBytes: (Int) -> Int? = { _ in nil }) -> Int? {
        let u = decoded(literals)
        var total = 0
        var i = 0
        var argument = 0
        while i < u.count {
            guard u[i] == UInt8(ascii: "%") else { total += 1; i += 1; continue }
            i += 1
            guard i < u.count else { return total }
            if u[i] == UInt8(ascii: "%") { total += 1; i += 1; continue }
            var alternate = false
            while i < u.count, [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: " "), UInt8(ascii: "#"), UInt8(ascii: "0")].contains(u[i]) {
                if u[i] == UInt8(ascii: "#") { alternate = true }
                i += 1
            }
            if i < u.count, u[i] == UInt8(ascii: "*") { return nil }
            let width = number(u, &i) ?? 0
            var precision: Int? = nil
            if i < u.count, u[i] == UInt8(ascii: ".") {
                i += 1
                if i < u.count, u[i] == UInt8(ascii: "*") { return nil }
                precision = number(u, &i) ?? 0
            }
            var length = ""
            while i < u.count, "hljztqL".utf8.contains(u[i]) { length.append(Character(Unicode.Scalar(u[i]))); i += 1 }
            guard i < u.count else { return total }
            let conversion = Character(Unicode.Scalar(u[i]))
            i += 1
            let narrow = conversion == "s" || conversion == "n" ? nil : argumentBytes(argument)
            argument += 1
            let bits = integerBits(length: length, narrowBytes: narrow)
            let produced: Int
            switch conversion {
            case "d", "i": produced = max(decimalDigits(bits: bits, signed: true), precision ?? 0) + 1
            case "u": produced = max(decimalDigits(bits: bits, signed: false), precision ?? 0)
            case "x", "X": produced = max(bits / 4, precision ?? 0) + (alternate ? 2 : 0)
            case "o": produced = max((bits + 2) / 3, precision ?? 0) + (alternate ? 1 : 0)
            case "c": produced = 1
            case "p": produced = 18
            case "n": produced = 0
            case "f", "F": produced = 1 + 309 + 1 + (precision ?? 6)
            case "e", "E": produced = 1 + 1 + 1 + (precision ?? 6) + 5
            case "g", "G": produced = 1 + max(precision ?? 6, 1) + 1 + 5
            case "a", "A": produced = 1 + 4 + (precision ?? 13) + 6
            case "s":
                guard let p = precision else { return nil }
                produced = p
            default: return nil
            }
            total += max(width, produced)
        }
        return total
    }

    /// The bytes between the quotes of each literal, with each escape sequence counted as the one byte it makes.
    static func decoded(_ literals: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for lit in literals {
            let u = Array(lit.utf8)
            guard let open = u.firstIndex(of: UInt8(ascii: "\"")), u.count >= open + 2, u.last == UInt8(ascii: "\"") else { continue }
            var i = open + 1
            while i < u.count - 1 {
                if u[i] == UInt8(ascii: "\\") {
                    i += 1
                    if i < u.count - 1, u[i] == UInt8(ascii: "x") {
                        i += 1
                        while i < u.count - 1, (u[i] | 0x20) >= UInt8(ascii: "a") && (u[i] | 0x20) <= UInt8(ascii: "f") || (u[i] >= 0x30 && u[i] <= 0x39) { i += 1 }
                    } else if i < u.count - 1, u[i] >= 0x30, u[i] <= 0x37 {
                        var n = 0
                        while i < u.count - 1, n < 3, u[i] >= 0x30, u[i] <= 0x37 { i += 1; n += 1 }
                    } else {
                        i += 1
                    }
                    out.append(0x3F)  // one byte; never a '%'
                } else {
                    out.append(u[i]); i += 1
                }
            }
        }
        return out
    }

    private static func number(_ u: [UInt8], _ i: inout Int) -> Int? {
        var v: Int? = nil
        while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
            v = min(1 << 20, (v ?? 0) * 10 + Int(u[i] - 0x30))
            i += 1
        }
        return v
    }

    /// Width of the converted integer: from the length modifier, else from a known narrow argument, else `int`.
    private static func integerBits(length: String, narrowBytes: Int?) -> Int {
        switch length {
        case "hh": return 8
        case "h": return 16
        case "l", "ll", "j", "z", "t", "q", "L": return 64
        default: return narrowBytes.map { min(32, max(8, $0 * 8)) } ?? 32
        }
    }

    /// Digits of the widest value of that many bits (sign not included).
    private static func decimalDigits(bits: Int, signed: Bool) -> Int {
        switch (bits, signed) {
        case (8, true): return 3
        case (8, false): return 3
        case (16, true): return 5
        case (16, false): return 5
        case (64, true): return 19
        case (64, false): return 20
        default: return 10
        }
    }
}
