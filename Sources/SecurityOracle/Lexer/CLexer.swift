// A C/C++ lexer over raw bytes that never fails: every byte ends up in some token, in linear time.

/// Lexes C and C++ source into ``CToken``s.
///
/// Works on bytes, not `Character`s, because the oracle runs millions of times inside the reward loop and
/// because dataset code is not always valid UTF-8. Malformed input (unterminated comments or strings, stray
/// bytes) yields tokens flagged `unterminated` or `.unknown` plus a diagnostic, never a crash or a hang:
/// each loop iteration consumes at least one byte.
///
/// ```swift
/// let lexed = CLexer.lex(Array("int x = 1; // hi".utf8))
/// lexed.tokens.map(\.kind) // [.identifier, .identifier, .punct, .number, .punct, .comment]
/// ```
public enum CLexer {
    /// The lexer's output: all tokens (comments and preprocessor lines included) and what went wrong.
    public struct Result: Sendable {
        public var tokens: [CToken]
        public var diagnostics: [OracleDiagnostic]
    }

    /// Lexes `bytes`. `rawStrings` enables C++11 `R"d(...)d"` literals (harmless for C, where `R"` is rare).
    public static func lex(_ bytes: [UInt8], rawStrings: Bool = true) -> Result {
        bytes.withUnsafeBufferPointer { lex($0, rawStrings: rawStrings) }
    }

    // MARK: - Main loop

    public static func lex(_ b: UnsafeBufferPointer<UInt8>, rawStrings: Bool = true) -> Result {
        var tokens: [CToken] = []
        tokens.reserveCapacity(b.count / 4 + 16)
        var diags: [OracleDiagnostic] = []
        let n = b.count
        var i = 0
        var line = 1
        var lineStart = 0
        /// True while only whitespace has been seen on the current line, so `#` starts a directive.
        var atLineStart = true

        // Helpers take the arrays inout instead of capturing them: captured vars would be boxed and pay a
        // dynamic exclusivity check on every token.
        @inline(__always) func push(_ tokens: inout [CToken], _ kind: CTokenKind, _ s: Int, _ e: Int, _ l: Int, _ ls: Int,
                                    unterminated: Bool = false) {
            tokens.append(CToken(kind: kind, unterminated: unterminated, start: Int32(s), end: Int32(e),
                                 line: Int32(l), column: Int32(s - ls + 1)))
        }
        func diag(_ diags: inout [OracleDiagnostic], _ kind: OracleDiagnostic.Kind, _ msg: String, _ s: Int, _ l: Int, _ ls: Int) {
            // One diagnostic per kind is enough to explain the input; a flood would only cost memory.
            if diags.count < 32, !diags.contains(where: { $0.kind == kind }) {
                diags.append(OracleDiagnostic(kind: kind, message: msg,
                                              position: SourcePosition(line: l, column: s - ls + 1, offset: s)))
            }
        }

        while i < n {
            let c = b[i]
            // Whitespace and newlines.
            if c == 0x0A { i += 1; line += 1; lineStart = i; atLineStart = true; continue }
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C { i += 1; continue }
            let s = i, l = line, ls = lineStart
            let wasLineStart = atLineStart
            atLineStart = false

            // Comments.
            if c == 0x2F, i + 1 < n, b[i + 1] == 0x2A {  // /* ... */
                i += 2
                var closed = false
                while i < n {
                    if b[i] == 0x2A, i + 1 < n, b[i + 1] == 0x2F { i += 2; closed = true; break }
                    if b[i] == 0x0A { line += 1; lineStart = i + 1 }
                    i += 1
                }
                push(&tokens, .comment, s, i, l, ls, unterminated: !closed)
                if !closed { diag(&diags, .unterminatedComment, "comment opened here never closes", s, l, ls) }
                atLineStart = wasLineStart
                continue
            }
            if c == 0x2F, i + 1 < n, b[i + 1] == 0x2F {  // // ... (a trailing backslash continues it)
                i = skipLine(b, i, &line, &lineStart)
                push(&tokens, .comment, s, i, l, ls)
                continue
            }
            // Preprocessor directive: to end of line, honoring backslash continuations; comments inside
            // a directive stay part of it (enough for #define bodies, which we read as text).
            if c == 0x23, wasLineStart {
                i = skipLine(b, i, &line, &lineStart, stopAtBlockComment: true)
                push(&tokens, .preprocessor, s, i, l, ls)
                continue
            }
            // Identifiers, with string/char prefixes u8 u U L and raw-string R.
            if isIdentStart(c) {
                i += 1
                while i < n, isIdentBody(b[i]) { i += 1 }
                if i < n, b[i] == 0x22 || b[i] == 0x27, isLiteralPrefix(b, s, i) {
                    let isRaw = rawStrings && b[i - 1] == 0x52 && b[i] == 0x22
                    if isRaw, let e = rawStringEnd(b, i, &line, &lineStart) {
                        push(&tokens, .string, s, e.end, l, ls, unterminated: !e.closed)
                        if !e.closed { diag(&diags, .unterminatedString, "raw string literal never closes", s, l, ls) }
                        i = e.end
                        continue
                    }
                    let q = b[i]
                    let (e, closed) = quotedEnd(b, i, quote: q, &line, &lineStart)
                    push(&tokens, q == 0x22 ? .string : .char, s, e, l, ls, unterminated: !closed)
                    if !closed { diag(&diags, .unterminatedString, "literal runs to end of line", s, l, ls) }
                    i = e
                    continue
                }
                push(&tokens, .identifier, s, i, l, ls)
                continue
            }
            // Numbers: digits, or '.' followed by a digit; pp-number rules (1e+5, 0x1p-3, 1'000).
            if isDigit(c) || (c == 0x2E && i + 1 < n && isDigit(b[i + 1])) {
                i += 1
                while i < n {
                    let d = b[i]
                    if isIdentBody(d) || d == 0x2E { i += 1; continue }
                    if (d == 0x2B || d == 0x2D), let p = Optional(b[i - 1]), p == 0x65 || p == 0x45 || p == 0x70 || p == 0x50 { i += 1; continue }
                    if d == 0x27, i + 1 < n, isIdentBody(b[i + 1]) { i += 1; continue }  // C++14 digit separator
                    break
                }
                push(&tokens, .number, s, i, l, ls)
                continue
            }
            // String and char literals.
            if c == 0x22 || c == 0x27 {
                let (e, closed) = quotedEnd(b, i, quote: c, &line, &lineStart)
                push(&tokens, c == 0x22 ? .string : .char, s, e, l, ls, unterminated: !closed)
                if !closed { diag(&diags, .unterminatedString, "literal runs to end of line", s, l, ls) }
                i = e
                continue
            }
            // Punctuators: longest match of 3, 2, then 1 bytes.
            if let len = punctLength(b, i) {
                i += len
                push(&tokens, .punct, s, i, l, ls)
                continue
            }
            // Anything else: stray ASCII or a run of non-ASCII bytes outside literals.
            if c >= 0x80 {
                i += 1
                while i < n, b[i] >= 0x80 { i += 1 }
            } else {
                if c == 0 { diag(&diags, .binaryInput, "NUL byte in source", s, l, ls) }
                i += 1
            }
            push(&tokens, .unknown, s, i, l, ls)
        }
        return Result(tokens: tokens, diagnostics: diags)
    }

    // MARK: - Pieces

    /// Skips to the end of the line (exclusive of the newline), following `\`-newline continuations.
    static func skipLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ line: inout Int, _ lineStart: inout Int,
                         stopAtBlockComment: Bool = false) -> Int {
        var i = start
        let n = b.count
        while i < n {
            let c = b[i]
            if c == 0x0A {
                // Continued when the last non-CR byte before the newline is a backslash.
                var j = i - 1
                if j >= start, b[j] == 0x0D { j -= 1 }
                if j >= start, b[j] == 0x5C { line += 1; lineStart = i + 1; i += 1; continue }
                return i
            }
            if stopAtBlockComment, c == 0x2F, i + 1 < n, b[i + 1] == 0x2A {
                // A block comment inside a directive may span lines; consume it whole.
                i += 2
                while i < n, !(b[i] == 0x2A && i + 1 < n && b[i + 1] == 0x2F) {
                    if b[i] == 0x0A { line += 1; lineStart = i + 1 }
                    i += 1
                }
                i = min(n, i + 2)
                continue
            }
            i += 1
        }
        return n
    }

    /// End of a quoted literal starting at the quote `b[q]`. Unescaped newlines end it unterminated.
    static func quotedEnd(_ b: UnsafeBufferPointer<UInt8>, _ q: Int, quote: UInt8,
                          _ line: inout Int, _ lineStart: inout Int) -> (Int, Bool) {
        var i = q + 1
        let n = b.count
        while i < n {
            let c = b[i]
            if c == quote { return (i + 1, true) }
            if c == 0x5C {  // escape; a backslash-newline continues the literal
                if i + 1 < n, b[i + 1] == 0x0A { line += 1; lineStart = i + 2 }
                i += 2
                continue
            }
            if c == 0x0A { return (i, false) }
            i += 1
        }
        return (n, false)
    }

    /// End of a raw string `R"delim( ... )delim"` whose quote is at `q`; `nil` when the delimiter is invalid.
    static func rawStringEnd(_ b: UnsafeBufferPointer<UInt8>, _ q: Int,
                             _ line: inout Int, _ lineStart: inout Int) -> (end: Int, closed: Bool)? {
        let n = b.count
        var i = q + 1
        while i < n, i - q - 1 <= 16, b[i] != 0x28 {
            let c = b[i]
            if c == 0x20 || c == 0x29 || c == 0x5C || c == 0x0A || c == 0x09 || c == 0x22 { return nil }
            i += 1
        }
        guard i < n, b[i] == 0x28 else { return nil }
        let delim = (q + 1)..<i
        i += 1
        while i < n {
            if b[i] == 0x0A { line += 1; lineStart = i + 1 }
            if b[i] == 0x29 {
                var k = 0
                while k < delim.count, i + 1 + k < n, b[i + 1 + k] == b[delim.lowerBound + k] { k += 1 }
                let qq = i + 1 + delim.count
                if k == delim.count, qq < n, b[qq] == 0x22 { return (qq + 1, true) }
            }
            i += 1
        }
        return (n, false)
    }

    /// `true` when the identifier `b[s..<e]` is a literal prefix: u8 u U L, each optionally followed by R, or R.
    static func isLiteralPrefix(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var len = e - s
        var end = e
        if len >= 1, b[end - 1] == 0x52 { end -= 1; len -= 1 }  // trailing R
        if len == 0 { return e - s == 1 }  // lone R
        if len == 1 { let c = b[s]; return c == 0x75 || c == 0x55 || c == 0x4C }
        if len == 2 { return b[s] == 0x75 && b[s + 1] == 0x38 }
        return false
    }

    /// Longest-match punctuators: `<<= >>= ... ->* <=>`, then `-> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^= :: ## .*`.

    static func punctLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let n = b.count
        if i + 2 < n {
            switch (b[i], b[i + 1], b[i + 2]) {
            case (0x3C, 0x3C, 0x3D), (0x3E, 0x3E, 0x3D), (0x2E, 0x2E, 0x2E), (0x2D, 0x3E, 0x2A), (0x3C, 0x3D, 0x3E): return 3
            default: break
            }
        }
        if i + 1 < n {
            switch (b[i], b[i + 1]) {
            case (0x2D, 0x3E), (0x2B, 0x2B), (0x2D, 0x2D), (0x3C, 0x3C), (0x3E, 0x3E), (0x3C, 0x3D), (0x3E, 0x3D),
                 (0x3D, 0x3D), (0x21, 0x3D), (0x26, 0x26), (0x7C, 0x7C), (0x2B, 0x3D), (0x2D, 0x3D), (0x2A, 0x3D),
                 (0x2F, 0x3D), (0x25, 0x3D), (0x26, 0x3D), (0x7C, 0x3D), (0x5E, 0x3D), (0x3A, 0x3A), (0x23, 0x23),
                 (0x2E, 0x2A):
                return 2
            default: break
            }
        }
        switch b[i] {
        case 0x21, 0x25, 0x26, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E,
             0x3F, 0x5B, 0x5D, 0x5E, 0x7B, 0x7C, 0x7D, 0x7E, 0x23, 0x5C:
            return 1
        default:
            return nil
        }
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }
    @inline(__always) static func isIdentBody(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
}
