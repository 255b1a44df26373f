// Per-function view the checkers share: calls with split arguments, statement bounds, spans, and tests.

/// A call expression `name ( args )` inside a function body.
struct CallSite {
    var name: String
    var nameTok: Int
    var open: Int
    var close: Int
    /// Token ranges of the arguments, split on top-level commas.
    var args: [Range<Int>]
    /// What the API table knows about the callee (looked up once per call, not once per checker).
    var fact: APIFact?
}

/// One function under analysis. Built once per function; checkers read it and never mutate the source.
final class FunctionScope {
    let src: CSource
    let fn: CFunction
    let rules: RuleSet
    /// Known fixed-size arrays: file-level ones shadowed by locals.
    let arrays: [String: ArrayDecl]
    let calls: [CallSite]
    /// Innermost enclosing `(` of each token in the body, indexed `i - fn.bodyOpen`; -1 outside parentheses.
    let paren: [Int32]
    let paramNames: Set<String>
    /// Untrusted-input taint (argv, getenv, read, …), computed on first use.
    lazy var taint = TaintTracker(scope: self)
    /// The same, with pointer parameters as sources too (generated helpers get their input from the caller).
    lazy var callNames = Set(calls.map(\.name))
    lazy var paramTaint = TaintTracker(scope: self, paramsAreSources: true)

    static let notCalls: Set<String> = CSourceShell.controlWords.union(["return", "sizeof", "typeof", "__typeof__", "offsetof"])

    init(src: CSource, fn: CFunction, rules: RuleSet) {
        self.src = src
        self.fn = fn
        self.rules = rules
        var a = src.globalArrays
        for (k, v) in fn.arrays { a[k] = v }
        arrays = a
        paramNames = Set(fn.params.map(\.name))
        var calls: [CallSite] = []
        var paren = [Int32](repeating: -1, count: max(0, fn.bodyClose - fn.bodyOpen + 1))
        var stack: [Int32] = []
        let text = src.text
        var i = fn.bodyOpen + 1
        let pc = src.pc
        while i < fn.bodyClose {
            paren[i - fn.bodyOpen] = stack.last ?? -1
            let t = pc[i]
            if t == P.lparen {
                if stack.count < CSource.maxDepth { stack.append(Int32(i)) }
                if i > 0, src.sig[i - 1].kind == .identifier, !FunctionScope.notCalls.contains(text[i - 1]),
                   src.match[i] > i {
                    let close = Int(src.match[i])
                    calls.append(CallSite(name: text[i - 1], nameTok: i - 1, open: i, close: close,
                                          args: FunctionScope.splitArgs(text, src.match, i, close),
                                          fact: rules.facts[text[i - 1]]))
                }
            } else if t == P.rparen {
                if let top = stack.last, src.match[i] == top { stack.removeLast() }
            }
            i += 1
        }
        self.calls = calls
        self.paren = paren
    }

    static func splitArgs(_ text: [String], _ match: [Int32], _ open: Int, _ close: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var s = open + 1
        var k = open + 1
        while k < close {
            let t = text[k]
            if t == "(" || t == "[" || t == "{", match[k] > k, Int(match[k]) < close { k = Int(match[k]) + 1; continue }
            if t == "," { out.append(s..<k); s = k + 1 }
            k += 1
        }
        if close > s || !out.isEmpty { out.append(s..<close) }
        return out
    }

    /// The fixed-size array that the name at token `k` refers to, honoring block scope and declaration order;
    /// `nil` for members (`s.buf`, `p->buf`) and for names with no visible declaration.
    func array(at k: Int) -> ArrayDecl? {
        guard isIdent(k), p(k - 1) != P.dot, p(k - 1) != P.arrow else { return nil }
        let name = t(k)
        guard arrays[name] != nil else { return nil }
        var best: ArrayDecl? = nil
        var declaredLocally = false
        for d in fn.arrayDecls where d.name == name {
            declaredLocally = true
            if d.token <= k, isAncestorBlock(d.block, of: Int(src.block[k])) { best = d }
        }
        return best ?? (declaredLocally ? nil : src.globalArrays[name])
    }

    /// ``array(at:)`` for an argument range (`buf`, `(char *)buf`, `&buf`).
    func array(arg r: Range<Int>) -> ArrayDecl? {
        let s = stripped(r)
        return s.count == 1 ? array(at: s.lowerBound) : nil
    }

    // MARK: - Token helpers

    @inline(__always) func t(_ i: Int) -> String { i >= 0 && i < src.text.count ? src.text[i] : "" }
    /// Packed punctuator code of token `i` (0 when not a punctuator or out of range).
    @inline(__always) func p(_ i: Int) -> UInt32 { i >= 0 && i < src.pc.count ? src.pc[i] : 0 }
    @inline(__always) func kw(_ i: Int) -> UInt8 { i >= 0 && i < src.kw.count ? src.kw[i] : 0 }
    @inline(__always) func isIdent(_ i: Int) -> Bool { i >= 0 && i < src.sig.count && src.sig[i].kind == .identifier }
    var body: Range<Int> { (fn.bodyOpen + 1)..<max(fn.bodyOpen + 1, fn.bodyClose) }

    /// Innermost enclosing `(` of token `i`, or -1.
    func enclosingParen(_ i: Int) -> Int {
        let k = i - fn.bodyOpen
        return k >= 0 && k < paren.count ? Int(paren[k]) : -1
    }

    /// Tokens of a range joined without spaces: the comparison key for lvalues like `s->buf`.
    func key(_ r: Range<Int>) -> String { r.map { src.text[$0] }.joined() }

    /// The argument with casts and `&` peeled: `(char *)&buf` → range of `buf`.
    func stripped(_ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound
        let hi = r.upperBound
        while lo < hi {
            if t(lo) == "&" { lo += 1; continue }
            if t(lo) == "(", Int(src.match[lo]) < hi - 1, src.match[lo] > lo, isTypeCast(lo) { lo = Int(src.match[lo]) + 1; continue }
            break
        }
        if hi - lo >= 2, t(lo) == "(", Int(src.match[lo]) == hi - 1 { return stripped((lo + 1)..<(hi - 1)) }
        return lo..<hi
    }

    /// `(T *)` or `(unsigned char)`: a parenthesized run of type words and `*`.
    func isTypeCast(_ open: Int) -> Bool {
        let close = Int(src.match[open])
        guard close > open + 1 else { return false }
        for k in (open + 1)..<close where !(isIdent(k) || t(k) == "*" || t(k) == "::") { return false }
        return (open + 1..<close).contains { t($0) == "*" } || close == open + 2 && CSourceShell.elementSizes[t(open + 1)] != nil
            || ["const", "unsigned", "signed", "struct", "void"].contains(t(open + 1))
    }

    /// A single lvalue chain `a`, `a->b`, `a.b.c` (after stripping casts): a trackable key.
    func lvalueKey(_ r: Range<Int>) -> String? {
        let s = stripped(r)
        guard !s.isEmpty, isIdent(s.lowerBound) else { return nil }
        var k = s.lowerBound
        while k < s.upperBound {
            guard isIdent(k) else { return nil }
            k += 1
            if k == s.upperBound { break }
            guard t(k) == "->" || t(k) == "." else { return nil }
            k += 1
        }
        return k == s.upperBound ? key(s) : nil
    }

    /// `true` for a string literal, concatenated literals mixed with ALL_CAPS macros (`"%" PRIu64`),
    /// or a gettext wrapper `_("...")`.
    func isLiteral(_ r: Range<Int>) -> Bool {
        let s = stripped(r)
        guard !s.isEmpty else { return false }
        if s.count >= 4, ["_", "N_", "gettext", "tr", "TEXT", "L"].contains(t(s.lowerBound)), t(s.lowerBound + 1) == "(" {
            return isLiteral((s.lowerBound + 2)..<(s.upperBound - 1))
        }
        var sawString = false
        for k in s {
            if src.sig[k].kind == .string { sawString = true; continue }
            if isIdent(k), isAllCaps(t(k)) { continue }
            return false
        }
        return sawString
    }

    /// A name that by convention holds a compile-time constant: `MAX_LEN`, or Google style `kMaxLen`.
    func isConstantName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        if u.count >= 2, u[0] == 0x6B, u[1] >= 0x41, u[1] <= 0x5A { return true }
        return isAllCaps(s)
    }

    func isAllCaps(_ s: String) -> Bool {
        var letters = 0
        for u in s.utf8 { if u >= 0x61 && u <= 0x7A { return false }; if u >= 0x41 && u <= 0x5A { letters += 1 } }
        return letters > 0
    }

    /// Identifier tokens in a range, skipping what `sizeof`, `strlen` and friends wrap (a length measured from the
    /// data itself is consistent with it, so it carries no attacker-chosen size).
    func identifiers(_ r: Range<Int>, skipMeasured: Bool = false) -> [Int] {
        var out: [Int] = []
        var k = r.lowerBound
        while k < r.upperBound {
            if skipMeasured, ["sizeof", "strlen", "strnlen", "wcslen", "ARRAY_SIZE"].contains(t(k)) {
                if t(k + 1) == "(", src.match[k + 1] > k + 1 { k = Int(src.match[k + 1]) + 1; continue }
                k += 2
                continue
            }
            if isIdent(k), t(k + 1) != "(", t(k - 1) != "->", t(k - 1) != "." { out.append(k) }
            k += 1
        }
        return out
    }

    // MARK: - Statements

    /// First token of the statement holding `i`: after the previous `;`, `{`, `}` or control header at its level.
    func statementStart(_ i: Int) -> Int {
        var k = i - 1
        while k > fn.bodyOpen {
            let w = t(k)
            if w == ";" || w == "{" || w == "}" || w == "else" || w == "do" { return k + 1 }
            if w == ")", src.match[k] >= 0 {
                let o = Int(src.match[k])
                if ["if", "while", "for", "switch"].contains(t(o - 1)), o < i { return k + 1 }
                k = o - 1
                continue
            }
            if w == "(" { return k + 1 }  // inside a header or argument list
            k -= 1
        }
        return fn.bodyOpen + 1
    }

    /// Index of the `;` (or `{`/`}`) ending the statement at `i`, skipping nested brackets.
    func statementEnd(_ i: Int) -> Int {
        var k = i
        while k < fn.bodyClose {
            let w = t(k)
            if w == ";" || w == "}" || w == "{" { return k }
            if w == "(" || w == "[", src.match[k] > k { k = Int(src.match[k]) + 1; continue }
            if w == ")" || w == "]" { return k }
            k += 1
        }
        return fn.bodyClose
    }

    /// The `if`/`while` condition that directly controls the statement at `i` (braced or not), as a range.
    func controllingCondition(_ i: Int) -> Range<Int>? {
        controllingConditions(i).first
    }

    /// Every `if`/`while` condition around the statement at `i`, innermost first: the braceless header right
    /// before it, then the header of each enclosing block up to the function body.
    func controllingConditions(_ i: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        func header(_ close: Int) {
            guard t(close) == ")", src.match[close] >= 0 else { return }
            let o = Int(src.match[close])
            if ["if", "while"].contains(t(o - 1)) { out.append((o + 1)..<close) }
        }
        header(statementStart(i) - 1)
        var b = Int(src.block[i])
        var hops = 0
        while b > fn.bodyOpen, hops < 32 {
            header(b - 1)
            b = Int(src.block[b])
            hops += 1
        }
        return out
    }

    /// The left-hand lvalue key of `x = call(...)` or `T *x = call(...)` where the call's name is at `nameTok`.
    func assignedKey(callNameTok c: Int) -> (key: String, tok: Int)? {
        var k = c - 1
        while t(k) == ")", src.match[k] >= 0, isTypeCast(Int(src.match[k])) { k = Int(src.match[k]) - 1 }
        guard t(k) == "=" else { return nil }
        var lo = k - 1
        while lo - 2 >= fn.bodyOpen, t(lo - 1) == "->" || t(lo - 1) == ".", isIdent(lo - 2) { lo -= 2 }
        // `a[i].p = …` or `f()->p = …`: the base is not a plain name, so the target cannot be tracked.
        if t(lo - 1) == "->" || t(lo - 1) == "." || t(lo - 1) == "*" && !isIdent(lo - 2) && t(lo - 2) != ")" && lo - 1 > fn.bodyOpen && t(lo - 2) != ";" && t(lo - 2) != "{" && t(lo - 2) != "}" { return nil }
        guard isIdent(lo), let key = lvalueKey(lo..<k) else { return nil }
        return (key, lo)
    }

    /// `true` when token range `r` (a use of a pointer) is being tested rather than used: `!p`, `p == NULL`,
    /// `p && …`, `if (p)`, `assert(p)`, `p ? a : b`.
    func isTested(_ r: Range<Int>) -> Bool {
        let before = t(r.lowerBound - 1), after = t(r.upperBound)
        if before == "!" || ["==", "!=", "&&", "||", "?"].contains(after) || ["==", "!=", "&&", "||"].contains(before) { return true }
        if before == "(", after == ")" {
            let owner = t(r.lowerBound - 2)
            if ["if", "while", "assert", "likely", "unlikely", "BUG_ON", "WARN_ON", "IS_ERR", "IS_ERR_OR_NULL", "ASSERT"].contains(owner) { return true }
        }
        return false
    }

    /// `true` when the token is inside an `if`/`while`/`for`/`switch` header or an assert-like macro.
    func inCondition(_ i: Int) -> Bool {
        var p = enclosingParen(i)
        var hops = 0
        while p >= 0, hops < 16 {
            let owner = t(p - 1)
            if ["if", "while", "for", "switch", "assert", "likely", "unlikely", "BUG_ON", "WARN_ON", "ASSERT"].contains(owner) { return true }
            p = enclosingParen(p)
            hops += 1
        }
        return false
    }

    /// Occurrences of a key (`p` or `s->buf`) in token order after `from`, as token ranges.
    func occurrences(of wanted: String, tokens keyLen: Int, from: Int, to: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        guard let first = wanted.split(whereSeparator: { $0 == "-" || $0 == ">" || $0 == "." }).first.map(String.init) else { return out }
        var k = from
        while k < to {
            if t(k) == first, t(k - 1) != "->", t(k - 1) != ".", k + keyLen <= to, key(k..<(k + keyLen)) == wanted {
                out.append(k..<(k + keyLen))
                k += keyLen
                continue
            }
            k += 1
        }
        return out
    }

    func keyTokenCount(_ key: String) -> Int {
        var n = 1
        var prev: Character = " "
        for ch in key {
            if ch == "." { n += 2 } else if ch == ">" && prev == "-" { n += 2 }
            prev = ch
        }
        return n
    }

    // MARK: - Spans and findings

    func span(_ lo: Int, _ hi: Int) -> SourceSpan {
        let last = src.sig.count - 1
        let lo = min(max(0, lo), last)
        let a = src.sig[lo], b = src.sig[min(max(lo, hi), last)]
        let endLineCol = endPosition(b)
        return SourceSpan(start: SourcePosition(line: Int(a.line), column: Int(a.column), offset: Int(a.start)),
                          end: SourcePosition(line: endLineCol.0, column: endLineCol.1, offset: Int(b.end)))
    }

    /// Line and column just past a token's last byte (tokens may span lines: raw strings, continued literals).
    func endPosition(_ tok: CToken) -> (Int, Int) {
        var line = Int(tok.line), col = Int(tok.column)
        for k in Int(tok.start)..<Int(tok.end) {
            if src.bytes[k] == 0x0A { line += 1; col = 1 } else { col += 1 }
        }
        return (line, col)
    }

    func callSpan(_ c: CallSite) -> SourceSpan { span(c.nameTok, c.close) }
    func line(_ i: Int) -> Int { i >= 0 && i < src.sig.count ? Int(src.sig[i].line) : 1 }
}
