// Finds a code fragment inside other code at the C-token level, tolerant of renamed identifiers.
import SecurityOracle

/// A fragment of C code reduced to its significant tokens, ready to be searched for.
///
/// Repair patterns in PrimeVul+ records (the added bounds check, the NULL test) are written with the
/// original function's variable names; a policy that learned the pattern will use its own names. So
/// local identifiers match any identifier, as long as the mapping is consistent (a bijection) inside
/// one occurrence. Called names (`strncpy(`), keywords and everything else must match exactly: a
/// renamed variable is the same pattern, a different function is not.
public struct CodeFragment: Sendable, Hashable {
    public enum Piece: Sendable, Hashable {
        case exact(String)
        case variable(String)
    }
    public let pieces: [Piece]

    /// Lexes `text` into pieces; `nil` if it has fewer than `minTokens` significant tokens (too weak a
    /// pattern: `}` or `return` alone would match everywhere).
    public init?(_ text: String, minTokens: Int = 3) {
        let toks = CToken.significantTokens(of: Array(text.utf8))
        guard toks.count >= minTokens else { return nil }
        pieces = toks.enumerated().map { i, t in
            let isCall = i + 1 < toks.count && toks[i + 1].text == "("
            if t.kind == .identifier && !isCall && !CKeywords.all.contains(t.text) && !Self.isMacroName(t.text) {
                return .variable(t.text)
            }
            return .exact(t.text)
        }
    }
}

extension CodeFragment {
    /// `BUF_MAX`, `PATH_LEN`: constants and macros are part of the pattern, not renamable locals.
    static func isMacroName(_ s: String) -> Bool {
        s.count >= 2 && s.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            && s.unicodeScalars.contains { ("A"..."Z").contains($0) }
    }
}

/// One significant token with its text and byte range.
struct LexedToken: Hashable {
    var kind: CTokenKind
    var text: String
    var start: Int
    var end: Int
}

extension CToken {
    static func significantTokens(of bytes: [UInt8]) -> [LexedToken] {
        CLexer.lex(bytes).tokens.filter(\.isSignificant).map {
            LexedToken(kind: $0.kind, text: String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self),
                       start: Int($0.start), end: Int($0.end))
        }
    }
}

/// Searches for fragments in one piece of code, lexed once.
public struct FragmentMatcher: Sendable {
    let tokens: [LexedToken]

    public init(code: [UInt8]) { tokens = CToken.significantTokens(of: code) }

    /// Byte ranges (in the searched code) of the tokens of every non-overlapping occurrence of `fragment`.
    public func occurrences(of fragment: CodeFragment) -> [[Range<Int>]] {
        let p = fragment.pieces
        guard !p.isEmpty, tokens.count >= p.count else { return [] }
        var out: [[Range<Int>]] = []
        var i = 0
        outer: while i + p.count <= tokens.count {
            var forward: [String: String] = [:], backward: [String: String] = [:]
            for (k, piece) in p.enumerated() {
                let t = tokens[i + k]
                switch piece {
                case .exact(let s):
                    if t.text != s { i += 1; continue outer }
                case .variable(let name):
                    guard t.kind == .identifier, !CKeywords.all.contains(t.text) else { i += 1; continue outer }
                    if let m = forward[name], m != t.text { i += 1; continue outer }
                    if let m = backward[t.text], m != name { i += 1; continue outer }
                    forward[name] = t.text
                    backward[t.text] = name
                }
            }
            out.append(tokens[i..<(i + p.count)].map { $0.start..<$0.end })
            i += p.count
        }
        return out
    }
}

/// C and C++ keywords and builtin type names: never treated as renamable variables.
enum CKeywords {
    static let all: Set<String> = [
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool",
        "true", "false", "NULL", "nullptr", "size_t", "ssize_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
        "int8_t", "int16_t", "int32_t", "int64_t", "class", "new", "delete", "this", "template", "typename",
        "namespace", "using", "public", "private", "protected", "virtual", "const_cast", "static_cast",
        "reinterpret_cast", "dynamic_cast", "std", "FILE", "errno", "SIZE_MAX", "INT_MAX", "UINT_MAX",
    ]
}
