// Checkers driven by where values come from: unchecked divisors and taint reaching size and index sinks.

extension FunctionScope {
    // MARK: - unchecked-divisor

    func uncheckedDivisors() -> [Hit] {
        var out: [Hit] = []
        for k in body where p(k) == P.slash || p(k) == P.percent || p(k) == P.slashAssign || p(k) == P.percentAssign {
            let d = k + 1
            guard isIdent(d), !["(", "[", "->", "."].contains(t(d + 1)), !isAllCaps(t(d)), t(d) != "sizeof",
                  src8(k - 1) != .punct || t(k - 1) == ")" || t(k - 1) == "]" else { continue }
            let v = t(d)
            let fromInput = fn.params.contains { $0.name == v && !$0.isPointer } || taint.anyTaint(self, d..<(d + 1)) != nil
            guard fromInput else { continue }
            // Checked when the divisor appears in any condition or ternary before the division.
            let checked = (fn.bodyOpen..<k).contains { i in
                t(i) == v && (inCondition(i) || isTested(i..<(i + 1)) || [">", "<", ">=", "<="].contains(t(i + 1)) || [">", "<", ">=", "<="].contains(t(i - 1)))
            } || (k..<statementEnd(k)).contains { t($0) == "?" }
            if checked { continue }
            out.append(Hit(span: span(k - 1, d), detail: "divisor \(v)"))
        }
        return out
    }

    // MARK: - taint-sink

    func taintSinks(index: Bool) -> [Hit] {
        var out: [Hit] = []
        if index {
            if !taint.hasSources { return [] }
            for k in body where p(k + 1) == P.lbracket && isIdent(k) && src.match[k + 1] > k + 1 {
                guard t(k) != "argv", array(at: k)?.token != k else { continue }
                let rb = Int(src.match[k + 1])
                if isLengthOfItself((k + 2)..<rb, array: t(k)) { continue }
                guard let (name, o) = uncheckedTaintedIndex((k + 2)..<rb, at: k) else { continue }
                out.append(Hit(span: span(k, rb), detail: "index \(name) from \(o.source) at line \(o.line)"))
            }
            return out
        }
        if !taint.hasSources { return [] }
        for c in calls {
            guard let f = c.fact else { continue }
            let sizes = (f.sizeArgs ?? []) + (f.copy.map { [$0.size] } ?? []) + (f.buffers?.map(\.size) ?? [])
            for a in Set(sizes) where a < c.args.count {
                guard let o = taint.unboundedTaint(self, c.args[a]) else { continue }
                out.append(Hit(span: callSpan(c), detail: "size from \(o.source) at line \(o.line)"))
                break
            }
        }
        return out
    }

    /// `s[strcspn(s, "\n")]`, `s[strlen(s)]`: the index is the length of the indexed string itself, so it
    /// lands on its terminator, inside the buffer (the idiom that strips a newline after `fgets`). With
    /// anything after the call (`s[strcspn(s, " ") + 1]`) it may pass the terminator, and is checked as usual.
    func isLengthOfItself(_ idx: Range<Int>, array: String) -> Bool {
        let lo = idx.lowerBound
        guard idx.count >= 4, ["strcspn", "strlen", "strnlen", "wcslen", "wcscspn"].contains(t(lo)), t(lo + 1) == "(",
              Int(src.match[lo + 1]) == idx.upperBound - 1 else { return false }
        return t(lo + 2) == array && [",", ")"].contains(t(lo + 3))
    }

    /// The tainted variable of an index expression that no check bounds: an upper check (`i < N`) is always needed,
    /// and a lower one (`i >= 0`) too when the variable is signed and parsed from text, since `if (i >= 0) a[i]` and `if (i < N) a[i]`
    /// are the two halves of the classic missing validation (CWE-129). A modulo or mask bounds it by construction.
    func uncheckedTaintedIndex(_ idx: Range<Int>, at k: Int) -> (String, TaintTracker.Origin)? {
        if idx.contains(where: { t($0) == "%" || t($0) == "&" }) { return nil }
        for i in identifiers(idx, skipMeasured: true) {
            let name = t(i)
            guard let o = taint.origins[name], let from = taint.taintedFrom[name], from < i else { continue }
            let c = boundsChecks(of: name, before: k)
            // Bytes read from a file or socket are not negative; a number parsed from text (scanf, atoi(argv)) can be.
            let fromBytes = ["fread()", "read()", "recv()", "recvfrom()", "fgets()", "getline()", "gets()"].contains(o.source)
            if c.upper && (c.lower || fromBytes || !isSignedVariable(name)) { continue }
            return (name, o)
        }
        return nil
    }

    /// `true` when `name` is declared (as a local or parameter) with a signed integer type.
    func isSignedVariable(_ name: String) -> Bool {
        let signed: Set<String> = ["int", "long", "short", "ssize_t", "int32_t", "int64_t", "int16_t", "int8_t", "off_t", "ptrdiff_t"]
        var k = fn.paramOpen + 1
        while k < fn.bodyClose {
            if t(k) == name, signed.contains(t(k - 1)) || (t(k - 1) == "," && signed.contains(t(k - 3))) {
                return t(k - 2) != "unsigned" && t(k - 2) != "size_t"
            }
            k += 1
        }
        return false
    }
}
