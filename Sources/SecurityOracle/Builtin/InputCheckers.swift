// Checkers for the flaws models write most around input: an index taken straight from a parameter, a read loop
// that fills a buffer without a bound, and secrets written into the source.

extension FunctionScope {
    // MARK: - Bounds checks (shared)

    /// Which sides of `v` a condition before `limit` bounds: `lower` for a comparison with 0 or -1 (`v >= 0`,
    /// `v < 0`), `upper` for a comparison with anything else (`v < N`, `v >= sizeof buf`, `n > v`).
    ///
    /// A check in a condition that precedes the access in token order counts, whether it guards the access
    /// (`if (v < N) a[v] = x;`) or rejects and leaves (`if (v >= N) return;`): both are how generated code
    /// bounds an index, and token order stands in for dominance (see docs/ORACLE.md, Limits).
    func boundsChecks(of v: String, before limit: Int) -> (lower: Bool, upper: Bool) {
        var lower = false, upper = false
        var k = fn.bodyOpen + 1
        while k < limit {
            let pk = p(k)
            if pk == P.lt || pk == P.gt || pk == P.le || pk == P.ge, inCondition(k) || ternaryAfter(k) {
                // The operand next to v on the other side of the operator.
                var other: String? = nil
                if t(k - 1) == v, t(k - 2) != "->", t(k - 2) != "." { other = t(k + 1) == "-" ? "-" + t(k + 2) : t(k + 1) }
                else if t(k + 1) == v, t(k + 2) != "->", t(k + 2) != "." { other = t(k - 1) }
                // `(c = *p++) < 4`: the assignment's value is compared.
                else if t(k - 1) == ")", src.match[k - 1] >= 0, t(Int(src.match[k - 1]) + 1) == v,
                        t(Int(src.match[k - 1]) + 2) == "=" { other = t(k + 1) }
                if let o = other {
                    if o == "0" || o == "-1" || o == "0U" || o == "0u" { lower = true } else { upper = true }
                }
            }
            k += 1
        }
        return (lower, upper)
    }

    /// `true` when a `?` follows in the same statement: `(i >= 0 && i < N) ? a[i] : -1` is a guard too.
    private func ternaryAfter(_ k: Int) -> Bool {
        var j = k
        while j < fn.bodyClose, j < k + 64 {
            let w = t(j)
            if w == "?" { return true }
            if w == ";" || w == "{" || w == "}" { return false }
            j += 1
        }
        return false
    }

    /// Integer parameters that are not pointers; `signed` when negative values can reach an index.
    func integerParams() -> [(name: String, signed: Bool)] {
        let ints: Set<String> = ["int", "long", "short", "size_t", "ssize_t", "unsigned", "signed", "int32_t", "int64_t",
                                 "uint32_t", "uint64_t", "uint16_t", "int16_t", "uint8_t", "int8_t", "off_t", "ptrdiff_t", "intptr_t", "uintptr_t"]
        let unsignedWords: Set<String> = ["unsigned", "size_t", "uint32_t", "uint64_t", "uint16_t", "uint8_t", "uintptr_t"]
        return fn.params.compactMap { p in
            guard !p.isPointer else { return nil }
            let words = p.type.split(separator: " ").map(String.init).filter { $0 != p.name }
            guard words.contains(where: { ints.contains($0) }) else { return nil }
            return (name: p.name, signed: !words.contains(where: { unsignedWords.contains($0) }))
        }
    }

    // MARK: - param-index

    /// `return table[i];` where `table` is a fixed-size array and `i` an integer parameter that no condition
    /// bounded before: the caller's index reads or writes outside the array. A signed index needs both a lower and
    /// an upper check (`i >= 0 && i < N`); an unsigned one the upper check.
    func paramIndexes(access: String) -> [Hit] {
        if arrays.isEmpty { return [] }
        let ints = integerParams()
        if ints.isEmpty { return [] }
        var out: [Hit] = []
        var reported = Set<String>()
        for k in body where p(k + 1) == P.lbracket && isIdent(k) && src.match[k + 1] > k + 1 {
            guard let a = array(at: k), a.token != k else { continue }
            let rb = Int(src.match[k + 1])
            let idx = (k + 2)..<rb
            // A modulo or a mask bounds the index by construction.
            if idx.contains(where: { t($0) == "%" || t($0) == "&" }) { continue }
            guard let v = ints.first(where: { p in idx.contains { t($0) == p.name && t($0 - 1) != "." && t($0 - 1) != "->" } }),
                  !reported.contains(v.name) else { continue }
            // Reassigned before the access: its value is no longer the caller's.
            if (fn.bodyOpen..<k).contains(where: { t($0) == v.name && ["=", "+=", "-=", "%=", "&="].contains(t($0 + 1)) }) { continue }
            let checks = boundsChecks(of: v.name, before: k)
            if checks.upper && (checks.lower || !v.signed) { continue }
            if (access == "write") != isWrite(closeBracket: rb, open: k + 1) { continue }
            reported.insert(v.name)
            let missing = checks.upper ? "no check that \(v.name) >= 0" : "no check of \(v.name) against \(a.count)"
            out.append(Hit(span: span(k, rb), detail: "\(a.name) has \(a.count) elements; \(missing)"))
        }
        return out
    }

    // MARK: - input-loop-write

    /// `while ((c = getchar()) != '\n') buf[i++] = c;`: a loop that reads input and stores it at an index that no
    /// condition in the loop bounds. The span is the store `buf[i++]`.
    func inputLoopWrites(readers: Set<String>) -> [Hit] {
        guard calls.contains(where: { readers.contains($0.name) }) else { return [] }
        var out: [Hit] = []
        var k = fn.bodyOpen + 1
        while k < fn.bodyClose {
            defer { k += 1 }
            guard kw(k) == Kw.for || kw(k) == Kw.while, p(k + 1) == P.lparen, src.match[k + 1] > k + 1 else { continue }
            let open = k + 1, close = Int(src.match[open])
            let bodyEnd = t(close + 1) == "{" && src.match[close + 1] > close + 1 ? Int(src.match[close + 1]) : statementEnd(close + 1)
            let loop = open..<bodyEnd
            guard loop.contains(where: { readers.contains(t($0)) && t($0 + 1) == "(" }) else { continue }
            var j = close + 1
            while j < bodyEnd {
                defer { j += 1 }
                guard isIdent(j), p(j + 1) == P.lbracket, src.match[j + 1] > j + 1 else { continue }
                let rb = Int(src.match[j + 1])
                guard isWrite(closeBracket: rb, open: j + 1) || t(rb + 1) == "=" else { continue }
                guard let iv = ((j + 2)..<rb).first(where: { isIdent($0) }).map({ t($0) }) else { continue }
                // The index must advance in the loop (`i++`, `++i`, `i += 1`).
                let advances = loop.contains { x in t(x) == iv && (t(x + 1) == "++" || t(x - 1) == "++" || t(x + 1) == "+=") }
                guard advances else { continue }
                // Bounded when the loop header or any condition inside the loop compares the index.
                let bounded = loop.contains { x in
                    guard p(x) == P.lt || p(x) == P.gt || p(x) == P.le || p(x) == P.ge else { return false }
                    guard inCondition(x) || x < close else { return false }
                    return (max(open, x - 4)..<min(bodyEnd, x + 5)).contains { t($0) == iv }
                }
                if bounded { continue }
                out.append(Hit(span: span(j, rb), detail: "\(t(j))[\(iv)] grows with input and \(iv) is never compared to the size"))
                j = bodyEnd
            }
        }
        return out
    }

    // MARK: - hardcoded-secret

    /// A password, key or token written into the source: `const char *password = "hunter2";`, `char key[] = "…"`,
    /// or `strcmp(password, "admin")`. The span is the literal (or the comparison call), the token the fix replaces
    /// with a value read from the environment, a file or a key store.
    func hardcodedSecrets(words: [String], keyWords: [String]) -> [Hit] {
        guard !words.isEmpty else { return [] }
        /// A name for key material: `key`, `aes_key`, `keyBytes`, `iv` (not `keyboard`, `keys`, `monkey`).
        func keyName(_ name: String) -> Bool {
            let parts = name.replacingOccurrences(of: "([a-z0-9])([A-Z])", with: "$1_$2", options: .regularExpression)
                .lowercased().split(separator: "_")
            return parts.contains { keyWords.contains(String($0)) }
        }
        func secretName(_ name: String) -> Bool {
            let n = name.lowercased().replacingOccurrences(of: "_", with: "")
            return words.contains { n.contains($0) }
        }
        /// A literal that reads as a secret value, not a prompt, a format or an empty default.
        func secretLiteral(_ i: Int) -> Bool {
            guard src8(i) == .string, let len = CSourceShell.stringLiteralLength(t(i)), len >= 3 else { return false }
            let s = t(i)
            return !s.contains(" ") && !s.contains("%") && !s.hasSuffix(":\"") && !s.contains("\\n")
        }
        var out: [Hit] = []
        for k in body where p(k) == P.assign && src8(k + 1) == .string {
            guard [";", ","].contains(t(k + 2)), secretLiteral(k + 1) else { continue }
            // `name = "…"`, `T name[] = "…"`, `s->password = "…"`.
            var nameTok = k - 1
            if t(nameTok) == "]", src.match[nameTok] >= 0 { nameTok = Int(src.match[nameTok]) - 1 }
            guard isIdent(nameTok), secretName(t(nameTok)) else { continue }
            out.append(Hit(span: span(k + 1, k + 1), detail: t(nameTok)))
        }
        // Brace initializers: `unsigned char key[] = {0x2b, 0x7e, …}` (a key or IV compiled in) and
        // `Login l = {"admin", "hunter2"}` held by a secret-named variable.
        for k in body where p(k) == P.assign && t(k + 1) == "{" && src.match[k + 1] > k + 1 {
            let close = Int(src.match[k + 1])
            var nameTok = k - 1
            if t(nameTok) == "]", src.match[nameTok] >= 0 { nameTok = Int(src.match[nameTok]) - 1 }
            guard isIdent(nameTok), [";", ","].contains(t(close + 1)) else { continue }
            let items = ((k + 2)..<close).filter { t($0) != "," }
            guard !items.isEmpty, items.allSatisfy({ [.number, .string, .char].contains(src8($0)) }) else { continue }
            let name = t(nameTok)
            if items.contains(where: { src8($0) == .string }) {
                guard secretName(name), items.contains(where: secretLiteral) else { continue }
            } else {
                guard items.count >= 4, secretName(name) || keyName(name) else { continue }
            }
            out.append(Hit(span: span(k + 1, close), detail: name))
        }
        for c in calls where ["strcmp", "strncmp", "strcasecmp", "memcmp", "wcscmp"].contains(c.name) && c.args.count >= 2 {
            let (a, b) = (stripped(c.args[0]), stripped(c.args[1]))
            for (lit, other) in [(a, b), (b, a)] where lit.count == 1 && secretLiteral(lit.lowerBound) {
                guard other.contains(where: { isIdent($0) && secretName(t($0)) }) else { continue }
                out.append(Hit(span: callSpan(c), detail: "compared with a literal"))
                break
            }
        }
        return out
    }

    // MARK: - length-field-unchecked

    /// `len = ntohs(*(uint16_t *)p); … memcpy(dst, p + 2, len)` or `n = buf[0]; memcpy(out, buf + 1, n)`: a length read
    /// out of the data itself reaches a copy with no comparison before (CWE-130 leading to CWE-787). Parsers in C fail this
    /// way more than any other, and the fix is the check this rule looks for. Fixed-size destinations are left to
    /// `fixed-buffer-unchecked-length-write`; a destination allocated from the same length is fine.
    func lengthFieldCopies(readers: Set<String>, readerPrefixes: [String]) -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let cp = c.fact?.copy, cp.size < c.args.count, cp.dst < c.args.count else { continue }
            if array(arg: c.args[cp.dst]) != nil { continue }
            let size = c.args[cp.size]
            if constEval.eval(size.lowerBound, size.upperBound) != nil { continue }
            if size.contains(where: { ["sizeof", "MIN", "min", "min_t", "MIN2", "ARRAY_SIZE", "strlen", "strnlen", "?"].contains(t($0)) }) { continue }
            // The names whose comparison would be the check: a variable set from bytes of the data (an element
            // `p[2]`, a byte-order or field reader). A struct member (`p->len`) alone is not enough: in-memory
            // structures keep their lengths consistent far more often than not, and flagging every
            // `memcpy(d->key, s->key, s->key_len)` would teach noise.
            var names: [String] = []
            for i in identifiers(size) where !isAllCaps(t(i)) {
                let v = t(i)
                if let rhs = lastAssignment(of: v, before: c.nameTok), rhs.contains(where: { j in
                    (t(j) == "[" && !rhs.contains { t($0) == "sizeof" })
                        || (t(j + 1) == "(" && (readers.contains(t(j)) || readerPrefixes.contains { t(j).hasPrefix($0) }))
                }) {
                    names.append(v)
                    for j in rhs where isIdent(j) && (t(j - 1) == "->" || t(j - 1) == ".") { names.append(t(j)) }
                }
            }
            guard !names.isEmpty, !comparedBefore(c.nameTok, names: names, mention: nil) else { continue }
            // A destination allocated from the same length holds it.
            if let dk = lvalueKey(c.args[cp.dst]), calls.contains(where: { a in
                a.nameTok < c.nameTok && a.fact?.alloc != nil && assignedKey(callNameTok: a.nameTok)?.key == dk
                    && (a.open..<a.close).contains { names.contains(t($0)) }
            }) { continue }
            out.append(Hit(span: callSpan(c), detail: "length \(key(size)) comes from the data and is never compared"))
        }
        return out
    }

    /// The right-hand side of the last `v = …` before `limit` (declarations included).
    func lastAssignment(of v: String, before limit: Int) -> Range<Int>? {
        var found: Range<Int>? = nil
        var k = fn.bodyOpen + 1
        while k < limit {
            if p(k) == P.assign, t(k - 1) == v, t(k - 2) != "->", t(k - 2) != "." { found = (k + 1)..<statementEnd(k + 1) }
            k += 1
        }
        return found
    }
}
