// The structural pass: function heads and bodies, parameters, fixed-size array declarations, constants.

/// The arrays a structural pass needs before ``CSource`` is complete.
struct CSourceShell {
    let sig: [CToken]
    let text: [String]
    let match: [Int32]
    let defines: [String: [String]]
    let block: [Int32]

    static let controlWords: Set<String> = ["if", "while", "for", "switch", "return", "sizeof", "do", "else",
                                             "case", "catch", "defined", "__attribute__", "alignof", "_Alignof", "decltype"]
    /// Words allowed between `)` and `{` of a function head.
    static let headQualifiers: Set<String> = ["const", "override", "noexcept", "final", "volatile", "throw",
                                               "__THROW", "__attribute__", "mutable", "try"]

    // MARK: - Functions

    /// Finds every `name ( params ) [qualifiers] {` at any depth outside another function body
    /// (so namespaces, classes and `extern "C"` blocks are entered), and file-level arrays.
    func findFunctions(into fns: inout [CFunction], globals: inout [String: ArrayDecl]) {
        var i = 0
        let n = sig.count
        var statementStart = 0
        while i < n {
            let t = text[i]
            if t == ";" || t == "}" { statementStart = i + 1 }
            if t == "[", i > statementStart, let d = arrayDecl(at: i, from: statementStart, locals: [:]) { globals[d.name] = d }
            guard t == "{", let f = functionHead(bodyOpen: i) else { i += 1; continue }
            fns.append(f)
            let close = Int(match[i])
            i = close > i ? close + 1 : n  // an unclosed body runs to the end
            statementStart = i
        }
    }

    func functionHead(bodyOpen: Int) -> CFunction? {
        var j = bodyOpen - 1
        var hops = 0
        // Skip qualifiers, attributes `__attribute__((...))`, `-> T`, and C++ ctor initializer lists.
        while j >= 0, hops < 64 {
            hops += 1
            if text[j] == ")" {
                let o = Int(match[j])
                guard o >= 0 else { return nil }
                if o > 0, sig[o - 1].kind == .identifier, !CSourceShell.controlWords.contains(text[o - 1]) || text[o - 1] == "__attribute__" {
                    if text[o - 1] == "__attribute__" || text[o - 1] == "throw" || text[o - 1] == "noexcept" { j = o - 2; continue }
                    // Could be the parameter list, or a member initializer `x(1)` of a ctor list.
                    if o >= 3, text[o - 2] == "," || (text[o - 2] == ":" && text[o - 3] == ")") {
                        j = o - 3
                        continue
                    }
                    return makeFunction(nameTok: o - 1, open: o, close: j, bodyOpen: bodyOpen)
                }
                return nil
            }
            if sig[j].kind == .identifier, CSourceShell.headQualifiers.contains(text[j]) { j -= 1; continue }
            if sig[j].kind == .identifier, j > 0, text[j - 1] == "->" { j -= 2; continue }  // trailing return type
            if text[j] == "::" || text[j] == "*" || text[j] == "&", j > 0, text[j - 1] == "->" { j -= 2; continue }
            return nil
        }
        return nil
    }

    func makeFunction(nameTok: Int, open: Int, close: Int, bodyOpen: Int) -> CFunction {
        var params: [CFunction.Param] = []
        var wrapper = false
        var k = open + 1
        var start = k
        while k <= close {
            if k == close || text[k] == "," {
                if k > start {
                    let words = (start..<k).map { text[$0] }
                    if words.contains("...") || words.contains("va_list") { wrapper = true }
                    let nameIdx = (start..<k).last(where: { sig[$0].kind == .identifier && text[$0] != "const" })
                    if let ni = nameIdx, ni > start {
                        let isPtr = words.contains("*") || words.contains("[") || words.contains("&")
                        params.append(.init(name: text[ni], isPointer: isPtr, type: words.joined(separator: " ")))
                    }
                }
                start = k + 1
            } else if ["(", "["].contains(text[k]), match[k] > k { k = Int(match[k]); continue }
            k += 1
        }
        // An unclosed body runs to the end of input; `bodyClose` is then one past the last token.
        let bodyClose = match[bodyOpen] > bodyOpen ? Int(match[bodyOpen]) : sig.count
        var arrays: [String: ArrayDecl] = [:]
        var decls: [ArrayDecl] = []
        var stmtStart = bodyOpen + 1
        var i = bodyOpen + 1
        while i < bodyClose {
            let t = text[i]
            if t == ";" || t == "{" || t == "}" || t == ")" { stmtStart = i + 1 }
            if t == "[", i > stmtStart, var d = arrayDecl(at: i, from: stmtStart, locals: arrays) {
                d.block = Int(block[i])
                arrays[d.name] = d
                decls.append(d)
            }
            i += 1
        }
        return CFunction(name: text[nameTok], nameToken: nameTok, params: params, paramOpen: open, paramClose: close,
                         bodyOpen: bodyOpen, bodyClose: bodyClose, isFormatWrapper: wrapper, arrays: arrays, arrayDecls: decls)
    }

    // MARK: - Arrays

    static let elementSizes: [String: Int] = [
        "char": 1, "int8_t": 1, "uint8_t": 1, "u8": 1, "BYTE": 1, "u_char": 1, "guchar": 1, "gchar": 1, "TCHAR": 1,
        "short": 2, "int16_t": 2, "uint16_t": 2, "u16": 2, "wchar_t": 4,
        "int": 4, "int32_t": 4, "uint32_t": 4, "u32": 4, "float": 4, "unsigned": 4,
        "long": 8, "int64_t": 8, "uint64_t": 8, "u64": 8, "double": 8, "size_t": 8, "ssize_t": 8,
    ]

    /// A declaration `type name[SIZE]` (optionally `= {...}` or `= "..."`) whose `[` is at `lb`.
    /// Only declarations: the statement must start with type words, and `name` must directly precede `[`.
    func arrayDecl(at lb: Int, from stmtStart: Int, locals: [String: ArrayDecl]) -> ArrayDecl? {
        let nameIdx = lb - 1
        guard nameIdx > stmtStart, sig[nameIdx].kind == .identifier else { return nil }
        // Everything before the name must be type words or `*` (pointer arrays) — no operators, no `=`.
        var elem: Int? = nil
        var sawType = false
        for k in stmtStart..<nameIdx {
            let w = text[k]
            if sig[k].kind == .identifier {
                if CSourceShell.controlWords.contains(w) || w == "return" { return nil }
                if w == "char" || w == "short" || w == "long" { elem = CSourceShell.elementSizes[w] }
                else if let s = CSourceShell.elementSizes[w] { elem = elem ?? s }
                sawType = true
            } else if w == "*" { elem = 8 } else if w != "::" { return nil }
        }
        guard sawType else { return nil }
        let rb = Int(match[lb])
        // A declarator ends the declaration or continues it; anything else (`buf[1] * n`) is an expression.
        guard rb > lb, rb + 1 < text.count, [";", "=", ",", "["].contains(text[rb + 1]) else { return nil }
        var count: Int?
        if rb == lb + 1 {
            // `char s[] = "literal"`: count from the literal.
            if rb + 2 < sig.count, text[rb + 1] == "=", sig[rb + 2].kind == .string {
                count = CSourceShell.stringLiteralLength(text[rb + 2]).map { $0 + 1 }
            }
        } else {
            count = ConstEval(text: text, sig: sig, match: match, defines: defines, arrays: locals).eval(lb + 1, rb)
        }
        guard let c = count, c > 0 else { return nil }
        return ArrayDecl(name: text[nameIdx], count: c, elementSize: elem, token: nameIdx)
    }

    /// Decoded length of a plain string literal's text (escapes count as one byte); `nil` for prefixed ones.
    static func stringLiteralLength(_ lit: String) -> Int? {
        let u = Array(lit.utf8)
        guard u.count >= 2, u.first == 0x22, u.last == 0x22 else { return nil }
        var n = 0, i = 1
        while i < u.count - 1 { if u[i] == 0x5C { i += 2 } else { i += 1 }; n += 1 }
        return n
    }
}

// MARK: - Constant expressions

/// Evaluates integer constant expressions over tokens: literals, `#define`s, `sizeof` of known arrays and
/// basic types, `+ - * / << >>` and parentheses. Bounded recursion, so hostile macros cannot loop.
struct ConstEval {
    let text: [String]
    let sig: [CToken]
    let match: [Int32]
    let defines: [String: [String]]
    let arrays: [String: ArrayDecl]

    func eval(_ lo: Int, _ hi: Int) -> Int? {
        evalWords(Array(text[lo..<hi]), depth: 0)
    }

    func evalWords(_ w: [String], depth: Int) -> Int? {
        guard depth < 8, !w.isEmpty, w.count < 64 else { return nil }
        var p = 0
        return parseExpr(w, &p, depth).flatMap { p == w.count ? $0 : nil }
    }

    private func parseExpr(_ w: [String], _ p: inout Int, _ d: Int) -> Int? {
        guard var v = parseTerm(w, &p, d) else { return nil }
        while p < w.count, ["+", "-", "<<", ">>"].contains(w[p]) {
            let op = w[p]; p += 1
            guard let r = parseTerm(w, &p, d) else { return nil }
            switch op {
            case "+": v = v &+ r
            case "-": v = v &- r
            case "<<": v = r < 32 ? v << r : 0
            default: v = r < 64 ? v >> r : 0
            }
        }
        return v
    }

    private func parseTerm(_ w: [String], _ p: inout Int, _ d: Int) -> Int? {
        guard var v = parseAtom(w, &p, d) else { return nil }
        while p < w.count, ["*", "/", "%"].contains(w[p]) {
            let op = w[p]; p += 1
            guard let r = parseAtom(w, &p, d) else { return nil }
            if op == "*" { v = v &* r } else if r == 0 { return nil } else { v = op == "/" ? v / r : v % r }
        }
        return v
    }

    private func parseAtom(_ w: [String], _ p: inout Int, _ d: Int) -> Int? {
        guard p < w.count else { return nil }
        let t = w[p]
        if t == "(" {
            p += 1
            // A cast like `(size_t)` or `(int)`: skip type words up to ')'.
            if p + 1 < w.count, CSourceShell.elementSizes[w[p]] != nil, w[p + 1] == ")" { p += 2; return parseAtom(w, &p, d) }
            let v = parseExpr(w, &p, d)
            guard p < w.count, w[p] == ")" else { return nil }
            p += 1
            return v
        }
        if t == "sizeof" {
            p += 1
            guard p < w.count else { return nil }
            let paren = w[p] == "("
            if paren { p += 1 }
            guard p < w.count else { return nil }
            let name = w[p]
            var v: Int? = arrays[name]?.byteSize ?? CSourceShell.elementSizes[name]
            if name == "unsigned" || name == "signed", p + 1 < w.count, let s = CSourceShell.elementSizes[w[p + 1]] { p += 1; v = s }
            p += 1
            if paren { guard p < w.count, w[p] == ")" else { return nil }; p += 1 }
            return v
        }
        if t == "-" { p += 1; return parseAtom(w, &p, d).map { -$0 } }
        p += 1
        if let f = t.utf8.first, f >= 0x30, f <= 0x39 { return ConstEval.intLiteral(t) }
        if let body = defines[t] { return evalWords(body, depth: d + 1) }
        return nil
    }

    /// Parses `64`, `0x40`, `0100`, `64u`, `64UL`.
    static func intLiteral(_ s: String) -> Int? {
        var t = Substring(s)
        while let l = t.last, "uUlL".contains(l) { t = t.dropLast() }
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return Int(t.dropFirst(2), radix: 16) }
        if t.count > 1, t.hasPrefix("0") { return Int(t.dropFirst(), radix: 8) }
        return Int(t)
    }
}
