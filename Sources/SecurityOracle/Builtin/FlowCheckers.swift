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
                guard let o = taint.unboundedTaint(self, (k + 2)..<rb) else { continue }
                out.append(Hit(span: span(k, rb), detail: "index from \(o.source) at line \(o.line)"))
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
}
