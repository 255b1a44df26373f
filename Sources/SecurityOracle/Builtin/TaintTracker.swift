// Forward, flow-ordered taint tracking inside one function: which variables hold untrusted input.

/// Which variables carry untrusted data, computed in one pass over the body in token order.
///
/// Sources come from the API facts (`taintReturn`, `taintArgs`, `taintFromFormat`) plus `argv`;
/// assignments and `propagates` calls spread taint; a relational comparison of a variable in a condition
/// marks it *bounded* (good enough for size and index sinks, not for format, command or path sinks).
struct TaintTracker {
    struct Origin { var source: String; var line: Int }
    /// Variable → where its taint came from; entries appear in token order.
    private(set) var origins: [String: Origin] = [:]
    /// Variable → token index from which it counts as bounds-checked.
    private(set) var boundedFrom: [String: Int] = [:]
    /// Variable → token index where it became tainted.
    private(set) var taintedFrom: [String: Int] = [:]

    /// - Parameter paramsAreSources: also treat pointer parameters as input (for the path checker, where the
    ///   caller's string is what an attacker controls in generated helpers).
    /// `false` when the function reads no untrusted input at all (most functions): every query is then empty.
    var hasSources: Bool { !origins.isEmpty }

    init(scope s: FunctionScope, paramsAreSources: Bool = false) {
        // Fast path: no argv, no source call, no pointer parameter to treat as input → nothing to track.
        let anySource = s.fn.params.contains { $0.name == "argv" || (paramsAreSources && $0.isPointer) } || s.calls.contains { c in
            guard let f = c.fact else { return false }
            return f.taintReturn == true || f.taintArgs != nil || f.taintFromFormat != nil
        }
        guard anySource else { return }
        for p in s.fn.params where p.name == "argv" || (paramsAreSources && p.isPointer) {
            mark(p.name, Origin(source: p.name == "argv" ? "argv" : "parameter \(p.name)", line: s.line(s.fn.nameToken)), at: s.fn.bodyOpen)
        }
        var callAt: [Int: CallSite] = [:]
        for c in s.calls { callAt[c.nameTok] = c }
        var k = s.fn.bodyOpen + 1
        while k < s.fn.bodyClose {
            let pk = s.p(k)
            if pk == P.assign, let lhs = lhsKey(s, k) {
                let rhsEnd = s.statementEnd(k + 1)
                let rhs = (k + 1)..<rhsEnd
                if let o = taintOf(s, rhs, callAt) { mark(lhs, o, at: k) }
            } else if let c = callAt[k], let f = c.fact {
                for a in f.taintArgs ?? [] where a < c.args.count {
                    if let key = s.lvalueKey(c.args[a]) { mark(key, Origin(source: "\(c.name)()", line: s.line(k)), at: k) }
                }
                if let from = f.taintFromFormat {
                    for a in c.args.indices where a > from {
                        if let key = s.lvalueKey(c.args[a]) { mark(key, Origin(source: "\(c.name)()", line: s.line(k)), at: k) }
                    }
                }
                if let p = f.propagates, p.to < c.args.count, let to = s.lvalueKey(c.args[p.to]) {
                    for a in p.from where a < c.args.count {
                        if let o = taintOf(s, c.args[a], callAt) { mark(to, o, at: k); break }
                    }
                }
            } else if pk == P.lt || pk == P.gt || pk == P.le || pk == P.ge, s.inCondition(k) || s.t(s.statementEnd(k)) == ";" && isTernaryClamp(s, k) {
                // Both operands' variables are now bounded: `if (n > sizeof buf)` or `if (len < max)`.
                // Left operand: a parenthesized group `(c = *p++) < 4` or the few tokens before the operator.
                let left = s.t(k - 1) == ")" && s.src.match[k - 1] >= 0 && Int(s.src.match[k - 1]) > s.fn.bodyOpen
                    ? Int(s.src.match[k - 1])..<k : max(s.fn.bodyOpen + 1, k - 3)..<k
                for side in [left, (k + 1)..<min(s.fn.bodyClose, k + 4)] {
                    for i in s.identifiers(side) where boundedFrom[s.t(i)] == nil { boundedFrom[s.t(i)] = k }
                }
            }
            k += 1
        }
    }

    private func isTernaryClamp(_ s: FunctionScope, _ k: Int) -> Bool {
        let e = s.statementEnd(k)
        return (k..<e).contains { s.t($0) == "?" }
    }

    private mutating func mark(_ key: String, _ o: Origin, at k: Int) {
        if origins[key] == nil { origins[key] = o; taintedFrom[key] = k }
    }

    /// The LHS key of an assignment `x = …` / `T x = …` whose `=` is at `k` (not `==`, not a compound op).
    private func lhsKey(_ s: FunctionScope, _ k: Int) -> String? {
        var lo = k - 1
        if s.t(lo) == "]", s.src.match[lo] >= 0 { lo = Int(s.src.match[lo]) - 1 }  // buf[i] = … taints buf
        while lo - 2 > s.fn.bodyOpen, s.t(lo - 1) == "->" || s.t(lo - 1) == ".", s.isIdent(lo - 2) { lo -= 2 }
        guard s.isIdent(lo) else { return nil }
        var hi = k
        if s.t(k - 1) == "]", s.src.match[k - 1] >= 0 { hi = Int(s.src.match[k - 1]) }
        return s.lvalueKey(lo..<hi)
    }

    /// The origin of any taint in an expression: a tainted variable, `argv`, or a taint-returning call.
    func taintOf(_ s: FunctionScope, _ r: Range<Int>, _ callAt: [Int: CallSite]) -> Origin? {
        for i in r {
            if let c = callAt[i], c.fact?.taintReturn == true { return Origin(source: "\(c.name)()", line: s.line(i)) }
        }
        for i in s.identifiers(r, skipMeasured: true) {
            var key = s.t(i)
            var j = i + 1
            while j + 1 < r.upperBound, s.t(j) == "->" || s.t(j) == ".", s.isIdent(j + 1) { key += s.t(j) + s.t(j + 1); j += 2 }
            if let o = origins[key] ?? origins[s.t(i)], (taintedFrom[key] ?? taintedFrom[s.t(i)] ?? Int.max) < i { return o }
        }
        return nil
    }

    /// Taint reaching token range `r` at its position, ignoring variables bounds-checked before it.
    func unboundedTaint(_ s: FunctionScope, _ r: Range<Int>) -> Origin? {
        if origins.isEmpty { return nil }
        for i in s.identifiers(r, skipMeasured: true) {
            let name = s.t(i)
            guard let o = origins[name], let from = taintedFrom[name], from < i else { continue }
            if let b = boundedFrom[name], b < i { continue }
            return o
        }
        return nil
    }

    /// Any taint reaching `r` (for format, command and path sinks, where a bounds check does not help).
    func anyTaint(_ s: FunctionScope, _ r: Range<Int>) -> Origin? {
        if origins.isEmpty { return nil }
        var k = r.lowerBound
        while k < r.upperBound {
            if s.isIdent(k), s.t(k - 1) != "->", s.t(k - 1) != "." {
                var key = s.t(k)
                var j = k + 1
                if let o = origins[key], (taintedFrom[key] ?? Int.max) < k { return o }
                while j + 1 < r.upperBound + 1, s.t(j) == "->" || s.t(j) == ".", s.isIdent(j + 1) {
                    key += s.t(j) + s.t(j + 1); j += 2
                    if let o = origins[key], (taintedFrom[key] ?? Int.max) < k { return o }
                }
            }
            k += 1
        }
        return nil
    }
}
