// Checkers that follow one pointer through a function in token order: NULL results used unchecked,
// use after free and double free, frees of memory that is not on the heap, and leaks on early returns.

extension FunctionScope {
    // MARK: - invalid-free

    /// `free(buf)` where `buf` is an array declared in this function (fixed or variable length), and
    /// `free(&x)`: neither is a block the allocator handed out, so the heap is corrupted (CWE-590).
    /// A parameter spelled `char buf[]` is a pointer and is not flagged: only declarations in the body. Releasers
    /// of handles (`fclose`, `closedir`: facts with `releasesHandle`) are not frees of memory.
    func invalidFrees() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let d = c.fact?.dealloc, d < c.args.count, c.fact?.releasesHandle != true else { continue }
            let a = c.args[d]
            let words = a.map { t($0) }
            if words.count == 2, words[0] == "&", src.sig[a.lowerBound + 1].kind == .identifier {
                out.append(Hit(span: callSpan(c), detail: "&\(words[1]) is the address of a variable, not a heap block"))
            } else if words.count == 1, src.sig[a.lowerBound].kind == .identifier, isLocalArray(words[0], before: c.nameTok) {
                out.append(Hit(span: callSpan(c), detail: "\(words[0]) is an array on the stack"))
            }
        }
        return out
    }

    /// Whether the body declares `name` as an array (`T name[...]`, any size expression) before `limit`.
    func isLocalArray(_ name: String, before limit: Int) -> Bool {
        if let a = fn.arrays[name], a.token < limit { return true }
        var i = fn.bodyOpen + 1
        while i < limit {
            if t(i) == name, t(i + 1) == "[", src.sig[i - 1].kind == .identifier || t(i - 1) == "*",
               CSourceShell.elementSizes[t(i - 1)] != nil || ["const", "signed", "unsigned", "struct"].contains(t(i - 2)) {
                return true
            }
            i += 1
        }
        return false
    }

    // MARK: - unchecked-null

    func uncheckedNulls() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard c.fact?.nullOnFailure == true, let lhs = assignedKey(callNameTok: c.nameTok) else { continue }
            // `if ((p = malloc(n)) == NULL)`: the assignment itself is tested.
            if isTested((lhs.tok - 1)..<(c.close + 2)) || t(c.close + 1) == "==" || t(c.close + 1) == "!=" || t(c.close + 2) == "==" { continue }
            let n = keyTokenCount(lhs.key)
            for occ in occurrences(of: lhs.key, tokens: n, from: c.close + 1, to: fn.bodyClose) {
                if t(occ.upperBound) == "=" { break }
                if isTested(occ) || inCondition(occ.lowerBound) && ["==", "!=", "!"].contains(where: { w in
                    (max(fn.bodyOpen, occ.lowerBound - 2)..<min(fn.bodyClose, occ.upperBound + 2)).contains { t($0) == w } }) { break }
                if let use = derefSpan(occ) { out.append(Hit(span: use, detail: "\(lhs.key) from \(c.name)() at line \(line(c.nameTok))")); break }
                if let call = directArgCall(occ) {
                    if let f = call.0.fact, f.nonnull?.contains(call.1) == true, f.dealloc == nil {
                        out.append(Hit(span: callSpan(call.0), detail: "\(lhs.key) from \(c.name)() at line \(line(c.nameTok))"))
                    }
                    break
                }
                if t(occ.lowerBound - 1) == "return" || t(occ.upperBound) != ")" && t(occ.upperBound) != ";" { break }
                break
            }
        }
        return out
    }

    /// The dereference around an occurrence: `*p`, `p[i]`, `p->f`; `nil` when the pointer is not dereferenced.
    func derefSpan(_ occ: Range<Int>) -> SourceSpan? {
        let after = t(occ.upperBound)
        if after == "->", isIdent(occ.upperBound + 1) { return span(occ.lowerBound, occ.upperBound + 1) }
        if after == "[", src.match[occ.upperBound] > occ.upperBound { return span(occ.lowerBound, Int(src.match[occ.upperBound])) }
        let before = occ.lowerBound - 1
        if t(before) == "*", !(isIdent(before - 1) || t(before - 1) == ")" || t(before - 1) == "]" || src8(before - 1) == .number) {
            return span(before, occ.upperBound - 1)
        }
        return nil
    }

    /// The call whose argument is exactly this occurrence (possibly cast), and the argument's index.
    func directArgCall(_ occ: Range<Int>) -> (CallSite, Int)? {
        let p = enclosingParen(occ.lowerBound)
        guard p >= 0, let c = calls.first(where: { $0.open == p }) else { return nil }
        for (i, a) in c.args.enumerated() where a.contains(occ.lowerBound) {
            return stripped(a) == occ ? (c, i) : nil
        }
        return nil
    }

    // MARK: - after-free

    func afterFree(double: Bool) -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let d = c.fact?.dealloc, d < c.args.count, let k = lvalueKey(c.args[d]) else { continue }
            let n = keyTokenCount(k)
            let base = k.split(whereSeparator: { $0 == "-" || $0 == ">" || $0 == "." }).first.map(String.init) ?? k
            if !double, let use = loopIncrementUse(afterFreeAt: c, key: k) {
                out.append(Hit(span: use, detail: "\(k) freed at line \(line(c.nameTok)), then read by the loop step"))
                continue
            }
            var blk = Int(src.block[c.nameTok])
            var i = statementEnd(c.close) + 1
            var stopAt = fn.bodyClose
            while i < stopAt {
                let w = t(i)
                if w == "}", blk < 0 || i == Int(src.match[blk]) {
                    // Leaving the block that freed: an `else` branch did not free, skip it.
                    blk = Int(src.block[i])
                    if t(i + 1) == "else" {
                        var j = i + 2
                        while t(j) == "if", t(j + 1) == "(", src.match[j + 1] > j { j = Int(src.match[j + 1]) + 1 }
                        i = t(j) == "{" && src.match[j] > j ? Int(src.match[j]) + 1 : statementEnd(j) + 1
                        continue
                    }
                    i += 1
                    continue
                }
                if ["return", "goto", "break", "continue"].contains(w), Int(src.block[i]) == blk, stopAt == fn.bodyClose {
                    stopAt = statementEnd(i) + 1  // uses inside this last statement still count
                }
                if w == base, t(i - 1) != "->", t(i - 1) != ".", key(i..<min(i + n, fn.bodyClose)) != k, t(i + 1) == "=" { break }
                guard w == base, t(i - 1) != "->", t(i - 1) != ".", i + n <= fn.bodyClose, key(i..<(i + n)) == k else { i += 1; continue }
                let occ = i..<(i + n)
                if t(occ.upperBound) == "=" || t(i - 1) == "&" { break }
                if t(i - 1) == "(", t(i - 2) == "sizeof" { i += n; continue }
                if isTested(occ) { i += n; continue }
                if let (call, idx) = directArgCall(occ), call.fact?.dealloc == idx {
                    if double { out.append(Hit(span: callSpan(call), detail: "first freed at line \(line(c.nameTok))")) }
                    break
                }
                if !double {
                    let s = derefSpan(occ) ?? directArgCall(occ).map { callSpan($0.0) } ?? span(occ.lowerBound, occ.upperBound - 1)
                    out.append(Hit(span: s, detail: "\(k) freed at line \(line(c.nameTok))"))
                }
                break
            }
        }
        return out
    }

    /// `for (n = head; n; n = n->next) free(n);`: the loop step dereferences the node the body just freed.
    func loopIncrementUse(afterFreeAt c: CallSite, key k: String) -> SourceSpan? {
        // The `for` header owning the free: braceless body, or the block right after the header.
        var close = statementStart(c.nameTok) - 1
        if t(close) != ")" {
            let b = Int(src.block[c.nameTok])
            guard b > fn.bodyOpen, t(b - 1) == ")" else { return nil }
            close = b - 1
        }
        guard src.match[close] >= 0, t(Int(src.match[close]) - 1) == "for" else { return nil }
        let open = Int(src.match[close])
        let semis = (open + 1..<close).filter { t($0) == ";" && enclosingParen($0) == open }
        guard semis.count == 2 else { return nil }
        // The body must not leave or reassign the pointer after the free.
        let bodyEnd = t(close + 1) == "{" && src.match[close + 1] > close + 1 ? Int(src.match[close + 1]) : statementEnd(close + 1)
        let n = keyTokenCount(k)
        if (c.close..<bodyEnd).contains(where: { ["break", "return", "goto"].contains(t($0)) }) { return nil }
        if occurrences(of: k, tokens: n, from: c.close, to: bodyEnd).contains(where: { t($0.upperBound) == "=" }) { return nil }
        for occ in occurrences(of: k, tokens: n, from: semis[1] + 1, to: close) {
            if let d = derefSpan(occ) { return d }
        }
        return nil
    }

    // MARK: - leak-early-return

    func leaksOnEarlyReturn() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard c.fact?.alloc != nil, let lhs = assignedKey(callNameTok: c.nameTok),
                  isIdent(lhs.tok), !paramNames.contains(lhs.key), !lhs.key.contains("->"), !lhs.key.contains("."),
                  src.globalArrays[lhs.key] == nil else { continue }
            let name = lhs.key
            // Blocks in which the pointer was released (freed, passed on, stored, returned).
            var releasedIn: [Int] = []
            var i = statementEnd(c.close) + 1
            // Past the end of the allocating block, the allocation itself was conditional: stop there.
            let allocBlock = Int(src.block[c.nameTok])
            let end = allocBlock > fn.bodyOpen && src.match[allocBlock] > allocBlock ? Int(src.match[allocBlock]) : fn.bodyClose
            while i < end {
                let w = t(i)
                if w == name, t(i - 1) != "->", t(i - 1) != "." {
                    if t(i + 1) == "=" { break }  // reassigned: another allocation's story
                    let p = enclosingParen(i)
                    let call = p >= 0 ? calls.first(where: { $0.open == p }) : nil
                    // Passed to a call that takes ownership (fclose, a list insert), even inside a condition.
                    if let call, !(rules.borrowing.contains(call.name) && call.fact?.dealloc == nil) {
                        releasedIn.append(Int(src.block[i])); i += 1; continue
                    }
                    if isTested(i..<(i + 1)) || inCondition(i) { i += 1; continue }
                    let derefOnly = (t(i + 1) == "[" || t(i + 1) == "->" || (t(i - 1) == "*" && !isIdent(i - 2))) && t(i - 1) != "&"
                    if call == nil && !derefOnly { releasedIn.append(Int(src.block[i])) }
                }
                if w == "exit" || w == "abort" || w == "_exit" { if t(i + 1) == "(" { i = statementEnd(i) + 1; continue } }
                if w == "return" {
                    let e = statementEnd(i)
                    let mentions = (i..<e).contains { t($0) == name }
                    let released = releasedIn.contains { isAncestorBlock($0, of: Int(src.block[i])) }
                    let guardMentions = controllingConditions(i).contains { r in r.contains { t($0) == name } }
                    if !mentions && !released && !guardMentions {
                        out.append(Hit(span: span(i, e), detail: "\(name) from \(c.name)() at line \(line(c.nameTok))"))
                        break
                    }
                    if mentions { releasedIn.append(Int(src.block[i])) }
                }
                i += 1
            }
        }
        return out
    }

    /// `true` when block `a` (a `{` index) is `b` or encloses it; -1 is the function level.
    func isAncestorBlock(_ a: Int, of b: Int) -> Bool {
        var x = b
        var hops = 0
        while hops < CSource.maxDepth {
            if x == a { return true }
            if x < 0 || x <= fn.bodyOpen { return a == fn.bodyOpen || a < 0 }
            x = Int(src.block[x])
            hops += 1
        }
        return false
    }

    // MARK: - realloc-overwrite

    /// `p = realloc(p, n)`: when realloc fails it returns NULL and the only pointer to the old block is lost.
    func reallocOverwrites() -> [Hit] {
        calls.compactMap { c in
            guard let r = c.fact?.reallocArg, r < c.args.count, let old = lvalueKey(c.args[r]),
                  let lhs = assignedKey(callNameTok: c.nameTok), lhs.key == old else { return nil }
            return Hit(span: span(lhs.tok, c.close), detail: "\(old)")
        }
    }
}
