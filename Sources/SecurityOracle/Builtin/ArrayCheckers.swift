// Checkers over fixed-size arrays whose size is a constant: loop bounds, index checks, constant indexes,
// and sizes passed to copy/read functions.

extension FunctionScope {
    var constEval: ConstEval {
        ConstEval(text: src.text, sig: src.sig, match: src.match, defines: src.defineBodies, arrays: arrays)
    }

    /// `true` when `A[...]` ending at `]` index `rb` is written: an assignment target or incremented.
    func isWrite(closeBracket rb: Int, open lb: Int) -> Bool {
        let after = t(rb + 1)
        if ["=", "+=", "-=", "*=", "/=", "|=", "&=", "^=", "<<=", ">>=", "%=", "++", "--"].contains(after) { return true }
        let before = t(lb - 2)
        return before == "++" || before == "--"
    }

    // MARK: - loop-bound

    func loopBounds(access: String) -> [Hit] {
        var out: [Hit] = []
        var k = fn.bodyOpen + 1
        while k < fn.bodyClose {
            defer { k += 1 }
            guard kw(k) == Kw.for || kw(k) == Kw.while, p(k + 1) == P.lparen, src.match[k + 1] > k + 1 else { continue }
            let open = k + 1, close = Int(src.match[open])
            // The condition: between the two ';' of a for header, or the whole while header.
            var cond = (open + 1)..<close
            if t(k) == "for" {
                let semis = (open + 1..<close).filter { t($0) == ";" && enclosingParen($0) == open }
                guard semis.count == 2 else { continue }
                cond = (semis[0] + 1)..<semis[1]
            }
            guard let (v, opIdx, maxIndex, end) = loopLimit(cond) else { continue }
            // The body: braced block or a single statement.
            let bodyEnd = t(close + 1) == "{" && src.match[close + 1] > close ? Int(src.match[close + 1]) : statementEnd(close + 1)
            var j = close + 1
            while j < bodyEnd {
                if p(j + 1) == P.lbracket, p(j + 3) == P.rbracket, t(j + 2) == v, let a = array(at: j), maxIndex >= a.count {
                    let write = isWrite(closeBracket: j + 3, open: j + 1)
                    if (access == "write") == write {
                        out.append(Hit(span: span(cond.lowerBound, end), detail: "\(a.name)[\(v)] with \(a.name) of \(a.count) at line \(line(j)), bound `\(t(opIdx))`"))
                    }
                    break
                }
                j += 1
            }
        }
        return out
    }

    /// Parses `v <= E`, `v < E`, `E >= v`, `E > v` into the index variable, the operator, the largest index the
    /// loop reaches, and the condition's last token.
    func loopLimit(_ cond: Range<Int>) -> (String, Int, Int, Int)? {
        guard let op = cond.first(where: { ["<", "<=", ">", ">="].contains(t($0)) && enclosingParen($0) == enclosingParen(cond.lowerBound) }) else { return nil }
        // Stop the bound at && or || so `i <= N && s[i]` parses.
        var hi = cond.upperBound
        if let cut = ((op + 1)..<cond.upperBound).first(where: { t($0) == "&&" || t($0) == "||" }) { hi = cut }
        var lo = cond.lowerBound
        if let cut = (cond.lowerBound..<op).last(where: { t($0) == "&&" || t($0) == "||" }) { lo = cut + 1 }
        let w = t(op)
        if (w == "<" || w == "<="), op - lo == 1, isIdent(lo), let e = constEval.eval(op + 1, hi) {
            return (t(lo), op, w == "<=" ? e : e - 1, hi - 1)
        }
        if (w == ">" || w == ">="), hi - op == 2, isIdent(op + 1), let e = constEval.eval(lo, op) {
            return (t(op + 1), op, w == ">=" ? e : e - 1, hi - 1)
        }
        return nil
    }

    // MARK: - index-check

    /// `if (i > N) return; … A[i]` or `if (i <= N) A[i] = …` where N is A's size: the check admits i == N.
    func indexChecks() -> [Hit] {
        var out: [Hit] = []
        var k = fn.bodyOpen + 1
        while k < fn.bodyClose {
            defer { k += 1 }
            guard p(k) == P.gt || p(k) == P.le, inCondition(k), !isLoopHeader(enclosingParen(k)) else { continue }
            let v = t(k - 1)
            guard isIdent(k - 1), t(k - 2) != "->", t(k - 2) != "." else { continue }
            var hi = k + 1
            while hi < fn.bodyClose, !["&&", "||", ")", ";", "?"].contains(t(hi)) {
                if t(hi) == "(", src.match[hi] > hi { hi = Int(src.match[hi]) + 1; continue }
                hi += 1
            }
            guard let bound = constEval.eval(k + 1, hi) else { continue }
            // An access A[v] later in the function with A's count == bound.
            var j = k + 1
            while j < fn.bodyClose {
                if p(j + 1) == P.lbracket, p(j + 3) == P.rbracket, t(j + 2) == v, let a = array(at: j), a.count == bound {
                    out.append(Hit(span: span(k - 1, hi - 1), detail: "\(a.name) has \(a.count) elements; index \(v) == \(bound) passes"))
                    break
                }
                j += 1
            }
        }
        return out
    }

    func isLoopHeader(_ p: Int) -> Bool { p > 0 && (t(p - 1) == "for" || t(p - 1) == "while") }

    // MARK: - constant-index

    func constantIndexes(access: String) -> [Hit] {
        var out: [Hit] = []
        if arrays.isEmpty { return [] }
        for k in body where p(k + 1) == P.lbracket && isIdent(k) {
            guard let a = array(at: k), a.token != k, t(k - 1) != "&",
                  src.match[k + 1] > k + 1 else { continue }
            if t(k - 2) == "sizeof" || t(k - 1) == "sizeof" { continue }
            let rb = Int(src.match[k + 1])
            guard let idx = constEval.eval(k + 2, rb), idx >= a.count else { continue }
            if (access == "write") == isWrite(closeBracket: rb, open: k + 1) {
                out.append(Hit(span: span(k, rb), detail: "\(a.name) has \(a.count) elements"))
            }
        }
        return out
    }

    // MARK: - buffer-size-exceeds

    func bufferSizeExceeds(access: String) -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            for b in c.fact?.buffers ?? [] where b.access == access && b.buffer < c.args.count && b.size < c.args.count {
                guard let a = array(arg: c.args[b.buffer]), let bytes = a.byteSize,
                      let n = constEval.eval(c.args[b.size].lowerBound, c.args[b.size].upperBound), n > bytes else { continue }
                out.append(Hit(span: callSpan(c), detail: "\(n) bytes for \(a.name) of \(bytes)"))
            }
        }
        return out
    }

    // MARK: - unchecked-length

    /// A fixed-size array filled (or read) with a length held in a variable that no condition compared before:
    /// `memcpy(buf, p, len)` with `char buf[64]` and `len` straight from a parameter or a packet field.
    func uncheckedLengths(access: String) -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            for b in c.fact?.buffers ?? [] where b.access == access && b.buffer < c.args.count && b.size < c.args.count {
                let size = c.args[b.size]
                guard let a = array(arg: c.args[b.buffer]),
                      constEval.eval(size.lowerBound, size.upperBound) == nil,
                      !size.contains(where: { ["sizeof", "MIN", "min", "min_t", "MIN2", "strlen", "ARRAY_SIZE"].contains(t($0)) })
                else { continue }
                let vars = identifiers(size).map { t($0) }.filter { !isAllCaps($0) }
                guard !vars.isEmpty, !comparedBefore(c.nameTok, names: vars, mention: nil) else { continue }
                // A length assigned from a bounded expression (sizeof, MIN) just before is fine too.
                if vars.contains(where: { v in boundedAssignment(of: v, before: c.nameTok) }) { continue }
                out.append(Hit(span: callSpan(c), detail: "\(a.name) holds \(a.byteSize.map(String.init) ?? "?") bytes; length \(vars.joined(separator: ", ")) never checked"))
            }
        }
        return out
    }

    /// `true` when `v = …sizeof…` or `v = MIN(…)` appears before `limit`.
    func boundedAssignment(of v: String, before limit: Int) -> Bool {
        var k = fn.bodyOpen + 1
        while k < limit {
            if p(k) == P.assign, t(k - 1) == v {
                let e = statementEnd(k)
                if (k..<e).contains(where: { ["sizeof", "MIN", "min", "min_t", "strlen", "strnlen"].contains(t($0)) }) { return true }
            }
            k += 1
        }
        return false
    }
}
