// Recognizes the safe idioms of each flaw family, the spans a reward can credit (see SecureIdiom).

extension FunctionScope {
    /// The secure idioms in this function, in token order. Each detector mirrors the checker that stays quiet
    /// because of the idiom, so an idiom span is exactly what separates the fixed code from the flawed one.
    func secureIdioms() -> [SecureIdiom] {
        var out: [SecureIdiom] = []
        var seen = Set<Int>()
        func add(_ kind: SecureIdiom.Kind, _ cwe: String, _ lo: Int, _ hi: Int) {
            guard lo <= hi, seen.insert(lo &* 8 &+ SecureIdiom.Kind.allCases.firstIndex(of: kind)!).inserted else { return }
            out.append(SecureIdiom(kind: kind, cwe: cwe, span: span(lo, hi)))
        }
        for c in calls {
            guard let f = c.fact else {
                if ["strlcpy", "strlcat"].contains(c.name), c.args.count == 3, sizeMeasuresDestination(c.args[2], c.args[0]) {
                    add(.boundedCopy, "CWE-120", c.nameTok, c.close)
                }
                continue
            }
            // Bounded copies and reads: the size argument measures the destination.
            var bounded = false
            for b in f.buffers ?? [] where b.access == "write" && b.buffer < c.args.count && b.size < c.args.count {
                if sizeMeasuresDestination(c.args[b.size], c.args[b.buffer]) { bounded = true }
            }
            if let cp = f.copy, cp.size < c.args.count, cp.dst < c.args.count, sizeMeasuresDestination(c.args[cp.size], c.args[cp.dst]) {
                bounded = true
            }
            if bounded { add(.boundedCopy, "CWE-120", c.nameTok, c.close) }
            // A literal format with the data as arguments.
            if let i = f.formatArg, f.scanfFormatArg == nil, i + 1 < c.args.count, isLiteral(c.args[i]) {
                let a = stripped(c.args[i])
                add(.literalFormat, "CWE-134", a.lowerBound, a.upperBound - 1)
            }
            // An allocator that checks the product itself, unless a product inside one of its size arguments
            // wraps before the allocator sees it (`calloc(n * size, 1)`, which alloc-size-overflow flags).
            if f.alloc != nil, let sizes = f.sizeArgs, sizes.count >= 2,
               !sizes.contains(where: { $0 < c.args.count && !multipliedVariables(c.args[$0]).isEmpty }) {
                add(.overflowCheck, "CWE-190", c.nameTok, c.close)
            }
            // A multiplied allocation preceded by a test of a factor or an overflow guard.
            if f.multiplyUnchecked == true {
                for a in f.sizeArgs ?? [] where a < c.args.count {
                    let vars = Set(multipliedVariables(c.args[a]))
                    guard !vars.isEmpty, let cond = guardingCondition(before: c.nameTok, where: { k in
                        FunctionScope.overflowGuards.contains(t(k)) || vars.contains(t(k))
                    }) else { continue }
                    add(.overflowCheck, "CWE-190", cond.lowerBound, cond.upperBound - 1)
                }
            }
            // The result of an allocation tested before use.
            if f.nullOnFailure == true, let lhs = assignedKey(callNameTok: c.nameTok) {
                if let cond = conditionRange(around: c.nameTok) {
                    add(.nullCheck, "CWE-476", cond.lowerBound, cond.upperBound - 1)
                } else {
                    let n = keyTokenCount(lhs.key)
                    for occ in occurrences(of: lhs.key, tokens: n, from: c.close + 1, to: fn.bodyClose) {
                        if t(occ.upperBound) == "=" { break }
                        if isTested(occ), let cond = conditionRange(around: occ.lowerBound) {
                            add(.nullCheck, "CWE-476", cond.lowerBound, cond.upperBound - 1)
                        }
                        break
                    }
                }
            }
        }
        // Bounds checks that precede an indexed access of the compared variable.
        for k in body where (p(k) == P.lt || p(k) == P.ge) && inCondition(k) {
            let v = t(k - 1)
            guard isIdent(k - 1), t(k - 2) != "->", t(k - 2) != ".", !isAllCaps(v),
                  !["0", "1"].contains(t(k + 1)) else { continue }
            let accessed = ((k + 1)..<fn.bodyClose).contains { j in
                p(j) == P.lbracket && t(j + 1) == v && (t(j + 2) == "]" || t(j + 2) == "++") && isIdent(j - 1)
            }
            guard accessed, let cond = conditionRange(around: k), !isLoopHeader(cond.lowerBound - 1) else { continue }
            add(.boundsCheck, "CWE-787", cond.lowerBound, cond.upperBound - 1)
        }
        return out
    }

    /// `true` when a size argument measures the destination: `sizeof buf`, `sizeof(buf) - 1`, or the destination's
    /// own capacity variable named with it (`buf, buf_size`).
    func sizeMeasuresDestination(_ size: Range<Int>, _ dst: Range<Int>) -> Bool {
        guard let d = lvalueKey(dst) else { return false }
        return containsMeasure(of: d, in: size, measures: ["sizeof"])
    }

    /// The content of the `if`/`while`/assert condition holding token `k`, as a token range.
    func conditionRange(around k: Int) -> Range<Int>? {
        var p = enclosingParen(k)
        var hops = 0
        while p >= 0, hops < 16 {
            if ["if", "while", "assert"].contains(t(p - 1)), src.match[p] > p { return (p + 1)..<Int(src.match[p]) }
            p = enclosingParen(p)
            hops += 1
        }
        return nil
    }

    /// The last `if`/`while` condition before `limit` with a relational operator and a token satisfying `pred`.
    func guardingCondition(before limit: Int, where pred: (Int) -> Bool) -> Range<Int>? {
        var best: Range<Int>? = nil
        var k = fn.bodyOpen + 1
        while k < limit {
            if kw(k) == Kw.if || kw(k) == Kw.while, p(k + 1) == P.lparen, src.match[k + 1] > k + 1 {
                let r = (k + 2)..<Int(src.match[k + 1])
                if r.upperBound < limit, r.contains(where: { pred($0) }),
                   r.contains(where: { [P.lt, P.gt, P.le, P.ge].contains(p($0)) } ) || r.contains(where: { FunctionScope.overflowGuards.contains(t($0)) }) {
                    best = r
                }
            }
            k += 1
        }
        return best
    }
}
