// Checkers that judge single calls against the API facts: banned functions, unbounded copies, formats,
// commands, allocation sizes, ignored results.

extension FunctionScope {
    // MARK: - banned-call (weak crypto, weak random, dangerous functions)

    func bannedCalls(_ p: OracleRule.Params?) -> [Hit] {
        let exact = p?.functions ?? []
        let prefixes = p?.prefixes ?? [], suffixes = p?.suffixes ?? []
        // Most functions call none of the banned names: decide that with one set lookup per name.
        if prefixes.isEmpty, suffixes.isEmpty, !exact.contains(where: { callNames.contains($0) }) { return [] }
        let context = Set(p?.contextWords ?? []), unless = Set(p?.unlessContextWords ?? [])
        let argCalls = Set(p?.argCalls ?? [])
        var out: [Hit] = []
        for c in calls {
            guard exact.contains(c.name) || prefixes.contains(where: { c.name.hasPrefix($0) })
                || suffixes.contains(where: { c.name.hasSuffix($0) }) else { continue }
            if t(c.nameTok - 1) == "->" || t(c.nameTok - 1) == "." { continue }
            if !argCalls.isEmpty, !(c.open..<c.close).contains(where: { argCalls.contains(t($0)) && t($0 + 1) == "(" }) { continue }
            if !context.isEmpty || !unless.isEmpty {
                let s = statementStart(c.nameTok), e = statementEnd(c.nameTok)
                var words = FunctionScope.words(fn.name)
                for k in s..<e where isIdent(k) && k != c.nameTok { words.formUnion(FunctionScope.words(t(k))) }
                if !context.isEmpty, words.isDisjoint(with: context) { continue }
                if !unless.isEmpty, !words.isDisjoint(with: unless) { continue }
            }
            out.append(Hit(span: callSpan(c)))
        }
        return out
    }

    /// Lowercased words of an identifier: `sessionToken_id` → {session, token, id}.
    static func words(_ ident: String) -> Set<String> {
        var out: Set<String> = []
        var cur = ""
        var prevLower = false
        for ch in ident {
            if ch == "_" || ch.isNumber { if !cur.isEmpty { out.insert(cur) }; cur = ""; prevLower = false; continue }
            if ch.isUppercase, prevLower { out.insert(cur); cur = "" }
            cur += ch.lowercased()
            prevLower = ch.isLowercase
        }
        if !cur.isEmpty { out.insert(cur) }
        return out
    }

    // MARK: - unbounded-copy, scanf-unbounded

    func unboundedCopies() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let u = c.fact?.unboundedCopy, u.dst < c.args.count else { continue }
            if let f = u.format {
                // sprintf: bounded when the format is a literal whose %s all carry a precision.
                guard f < c.args.count else { continue }
                if isLiteral(c.args[f]), !FunctionScope.formatHasUnboundedString(literalText(c.args[f]), scanf: false) { continue }
                if let d = lvalueKey(c.args[u.dst]), destinationSizedForArguments(d, c.args[(f + 1)...].map { $0 }, before: c.nameTok) { continue }
            } else if let sIdx = u.src, sIdx < c.args.count {
                // Flag the flaw, not the call: a destination sized from the source, a source array that fits the
                // destination array, or a length check of the source before the copy.
                if copyFits(c, dst: u.dst, src: sIdx, appends: u.appends == true) { continue }
                // A literal source that fits a known destination is safe.
                // A literal source is safe when it fits a known destination; into a destination of unknown size a
                // short literal (`strcpy(name, "<stdin>")`) is the common, benign case and is not flagged.
                let src = stripped(c.args[sIdx])
                if src.count == 1, src8(src.lowerBound) == .string, u.appends != true,
                   let len = CSourceShell.stringLiteralLength(t(src.lowerBound)) {
                    if let d = array(arg: c.args[u.dst]), let size = d.byteSize {
                        if len < size { continue }
                    } else if len < 32 { continue }
                }
            }
            out.append(Hit(span: callSpan(c)))
        }
        return out
    }

    /// sprintf into a fixed array whose size is below the format's longest output (``FormatLength``). Formats with an
    /// unbounded `%s` are `unbounded-copy`'s; destinations of unknown size are not judged.
    func formatOverflows() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let u = c.fact?.unboundedCopy, let f = u.format, f < c.args.count, u.dst < c.args.count,
                  isLiteral(c.args[f]), let d = array(arg: c.args[u.dst]), let size = d.byteSize else { continue }
            let values = Array(c.args[(f + 1)...])
            let literals = c.args[f].filter { src8($0) == .string }.map { t($0) }
            guard let longest = FormatLength.worstCase(literals: literals, argumentBytes: { i in
                i < values.count ? self.narrowUnsignedBytes(values[i], before: c.nameTok) : nil
            }), longest + 1 > size else { continue }
            if let dk = lvalueKey(c.args[u.dst]), destinationSizedForArguments(dk, values, before: c.nameTok) { continue }
            out.append(Hit(span: callSpan(c), detail: "up to \(longest + 1) bytes into \(size)"))
        }
        return out
    }

    static let narrowUnsignedTypes: [String: Int] = ["uint8_t": 1, "u8": 1, "u_char": 1, "BYTE": 1, "byte": 1, "bool": 1,
        "_Bool": 1, "guint8": 1, "uint16_t": 2, "u16": 2, "u_short": 2, "ushort": 2, "WORD": 2, "guint16": 2]

    /// Byte size of an argument whose type is a narrow unsigned integer (`unsigned char`, `uint8_t`, `uint16_t`):
    /// by a cast, a parameter's type or a local declaration before `limit`. Signed narrow types stay `int`-wide
    /// because a negative value prints like one under `%x`.
    func narrowUnsignedBytes(_ r: Range<Int>, before limit: Int) -> Int? {
        func bytes(_ words: [String]) -> Int? {
            if let w = words.last(where: { FunctionScope.narrowUnsignedTypes[$0] != nil }) { return FunctionScope.narrowUnsignedTypes[w] }
            guard words.contains("unsigned") else { return nil }
            return words.contains("char") ? 1 : words.contains("short") ? 2 : nil
        }
        if r.count > 2, t(r.lowerBound) == "(", src.match[r.lowerBound] > r.lowerBound, isTypeCast(r.lowerBound) {
            let close = Int(src.match[r.lowerBound])
            return bytes(((r.lowerBound + 1)..<close).map { t($0) })
        }
        guard r.count == 1, isIdent(r.lowerBound) else { return nil }
        let name = t(r.lowerBound)
        if let p = fn.params.first(where: { $0.name == name }) {
            return p.isPointer ? nil : bytes(p.type.split(separator: " ").map(String.init))
        }
        var k = limit - 1
        while k > fn.bodyOpen {
            if t(k) == name, isIdent(k - 1), !FunctionScope.notCalls.contains(t(k - 1)) || t(k - 1) == "unsigned" {
                var words: [String] = []
                var j = k - 1
                while j > fn.bodyOpen, isIdent(j), words.count < 4 { words.insert(t(j), at: 0); j -= 1 }
                return bytes(words)
            }
            k -= 1
        }
        return nil
    }

    /// `true` when a strcpy/strcat-like copy cannot overflow by what the function shows: the destination was
    /// allocated from the source's length (`malloc(strlen(s) + 1)`), both are arrays and the source is no larger,
    /// or a condition before the copy compares the source's length (`if (strlen(s) >= sizeof buf) return;`).
    func copyFits(_ c: CallSite, dst: Int, src sIdx: Int, appends: Bool) -> Bool {
        guard let dk = lvalueKey(c.args[dst]) else { return false }
        if let sk = lvalueKey(c.args[sIdx]) {
            // `malloc(strlen(s))` leaves no room for the NUL: the copy overflows by one (alloc-strlen flags the size).
            let alloc = calls.last { a in a.nameTok < c.nameTok && a.fact?.alloc != nil && assignedKey(callNameTok: a.nameTok)?.key == dk }
            let noTerminator = alloc.map { a in
                (a.open..<a.close).contains { t($0) == "strlen" } && !(a.open..<a.close).contains { t($0) == "+" }
            } ?? false
            if !noTerminator, destinationSizedBySource(dk, sk, before: c.nameTok) { return true }
            if !appends, let d = array(arg: c.args[dst]), let s = array(arg: c.args[sIdx]),
               let db = d.byteSize, let sb = s.byteSize, sb <= db { return true }
            let lens = lengthVariables(of: sk, before: c.nameTok)
            if lengthComparedBefore(c.nameTok, source: sk, lengthVars: lens) { return true }
        }
        return false
    }

    /// A relational comparison in a condition before `limit` with `strlen(source)` (or a variable holding it) on
    /// one side and something other than 0 or 1 on the other: a length check against a capacity.
    func lengthComparedBefore(_ limit: Int, source: String, lengthVars: Set<String>) -> Bool {
        var k = fn.bodyOpen + 1
        while k < limit {
            let pk = p(k)
            if pk == P.lt || pk == P.gt || pk == P.le || pk == P.ge, inCondition(k) {
                let lo = max(fn.bodyOpen + 1, k - 6), hi = min(limit, k + 7)
                let measures = (lo..<hi).contains { i in
                    lengthVars.contains(t(i)) || (t(i) == source && ["strlen", "strnlen"].contains(t(i - 2)))
                }
                let trivial = ["0", "1"].contains(t(k + 1)) && [")", "&&", "||"].contains(t(k + 2))
                if measures && !trivial { return true }
            }
            k += 1
        }
        return false
    }

    /// sprintf into a destination allocated from every non-literal argument's measure (`malloc(strlen(a) +
    /// strlen(b) + 2)`) or from a `snprintf(NULL, 0, …)` size: the formatted text fits.
    func destinationSizedForArguments(_ dst: String, _ args: [Range<Int>], before limit: Int) -> Bool {
        guard let alloc = calls.last(where: { c in
            c.nameTok < limit && c.fact?.alloc != nil && assignedKey(callNameTok: c.nameTok)?.key == dst
        }) else { return false }
        let size = alloc.open..<alloc.close
        // `n = snprintf(NULL, 0, …); buf = malloc(n + 1);`
        for s in calls where s.nameTok < alloc.nameTok && s.name == "snprintf" && s.args.count >= 2 && t(s.args[0].lowerBound) == "NULL" {
            if let n = assignedKey(callNameTok: s.nameTok), size.contains(where: { t($0) == n.key }) { return true }
        }
        let strings = args.filter { !isLiteral($0) }.compactMap { lvalueKey($0) }
        guard !strings.isEmpty else { return false }
        return strings.allSatisfy { a in
            containsMeasure(of: a, in: size, measures: ["strlen", "strnlen"])
                || lengthVariables(of: a, before: alloc.nameTok).contains { v in size.contains { t($0) == v } }
        }
    }

    func src8(_ i: Int) -> CTokenKind { i >= 0 && i < src.sig.count ? src.sig[i].kind : .unknown }

    func literalText(_ r: Range<Int>) -> String {
        r.filter { src8($0) == .string }.map { t($0) }.joined()
    }

    /// Finds `%s` (or, for scanf, `%[`) without a width/precision in a format literal's text.
    static func formatHasUnboundedString(_ f: String, scanf: Bool) -> Bool {
        let u = Array(f.utf8)
        var i = 0
        while i < u.count {
            guard u[i] == 0x25 else { i += 1; continue }
            i += 1
            if i < u.count, u[i] == 0x25 { i += 1; continue }
            var bounded = false
            while i < u.count, let c = Optional(u[i]), (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2A || c == 0x2D
                    || c == 0x2B || c == 0x20 || c == 0x23 || c == 0x6C || c == 0x68 || c == 0x2A {
                if (c >= 0x31 && c <= 0x39) || c == 0x2E || (scanf && c == 0x2A) { bounded = true }
                i += 1
            }
            if i < u.count, u[i] == 0x73 || (scanf && u[i] == 0x5B), !bounded { return true }
            i += 1
        }
        return false
    }

    func scanfUnbounded() -> [Hit] {
        calls.compactMap { c in
            guard let f = c.fact?.scanfFormatArg, f < c.args.count, isLiteral(c.args[f]),
                  FunctionScope.formatHasUnboundedString(literalText(c.args[f]), scanf: true) else { return nil }
            return Hit(span: callSpan(c))
        }
    }

    // MARK: - copy-sized-by-source

    func copiesSizedBySource() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let cp = c.fact?.copy, cp.size < c.args.count,
                  let srcKey = lvalueKey(c.args[cp.src]), let dstKey = lvalueKey(c.args[cp.dst]) else { continue }
            let size = c.args[cp.size]
            // The size measures the source: strlen(src), sizeof(src), or a variable set from strlen(src).
            // `sizeof(src)` between same-typed objects is the normal idiom; only a string length is suspicious.
            var measured = containsMeasure(of: srcKey, in: size, measures: ["strlen", "strnlen", "wcslen"])
            var sizeVars: [String] = []
            if !measured {
                for i in identifiers(size) where lengthVariables(of: srcKey, before: c.nameTok).contains(t(i)) {
                    measured = true; sizeVars.append(t(i))
                }
            }
            guard measured else { continue }
            // Bounded when the size also mentions the destination (MIN(len, sizeof dst)), when the destination was
            // allocated from the same measure, or when a condition earlier compares the length.
            if size.contains(where: { t($0) == dstKey || t($0) == "MIN" || t($0) == "min" }) { continue }
            if destinationSizedBySource(dstKey, srcKey, before: c.nameTok) { continue }
            if comparedBefore(c.nameTok, names: sizeVars + ["strlen"], mention: srcKey) { continue }
            out.append(Hit(span: callSpan(c)))
        }
        return out
    }

    func containsMeasure(of key: String, in r: Range<Int>,
                         measures: Set<String> = ["strlen", "sizeof", "strnlen", "wcslen"]) -> Bool {
        for k in r where measures.contains(t(k)) {
            let o = t(k + 1) == "(" ? k + 2 : k + 1
            let e = t(k + 1) == "(" && src.match[k + 1] > k ? Int(src.match[k + 1]) : k + 2
            if o < e, lvalueKey(o..<e) == key { return true }
        }
        return false
    }

    /// Variables assigned `strlen(key)` (or `strlen(key) + 1`) before token `limit`.
    func lengthVariables(of key: String, before limit: Int) -> Set<String> {
        var out: Set<String> = []
        for c in calls where c.nameTok < limit && (c.name == "strlen" || c.name == "strnlen") {
            guard let a = c.args.first, lvalueKey(a) == key, let lhs = assignedKey(callNameTok: c.nameTok) else { continue }
            out.insert(lhs.key)
        }
        return out
    }

    func destinationSizedBySource(_ dst: String, _ srcKey: String, before limit: Int) -> Bool {
        for c in calls where c.nameTok < limit {
            guard let f = c.fact, f.alloc != nil, let lhs = assignedKey(callNameTok: c.nameTok), lhs.key == dst else { continue }
            if containsMeasure(of: srcKey, in: c.open..<c.close) { return true }
            let lens = lengthVariables(of: srcKey, before: limit)
            if (c.open..<c.close).contains(where: { lens.contains(t($0)) }) { return true }
        }
        return false
    }

    /// `true` when an `if`/`while` condition before `limit` uses a relational operator next to one of `names`
    /// or next to text mentioning `mention`.
    func comparedBefore(_ limit: Int, names: [String], mention: String?) -> Bool {
        let set = Set(names)
        var k = fn.bodyOpen + 1
        while k < limit {
            let pk = p(k)
            if pk == P.lt || pk == P.gt || pk == P.le || pk == P.ge, inCondition(k) {
                let lo = max(fn.bodyOpen + 1, k - 6), hi = min(limit, k + 6)
                if (lo..<hi).contains(where: { set.contains(t($0)) || (mention != nil && t($0) == mention!) }) { return true }
            }
            k += 1
        }
        return false
    }

    // MARK: - nonliteral-arg (format strings, shell commands, exec)

    func nonliteralArgs(fact: String) -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let f = c.fact else { continue }
            var bad: Range<Int>? = nil
            switch fact {
            case "formatArg":
                guard let i = f.formatArg, i < c.args.count, !isLiteral(c.args[i]) else { continue }
                let a = stripped(c.args[i])
                if fn.isFormatWrapper, a.count == 1, paramNames.contains(t(a.lowerBound)) { continue }
                // With arguments after it, a non-literal format is usually a chosen table entry; flag only if tainted.
                if c.args.count > i + 1, taint.anyTaint(self, a) == nil { continue }
                if a.count == 1, isAllCaps(t(a.lowerBound)) { continue }
                bad = a
            case "commandArg":
                guard let i = f.commandArg, i < c.args.count, !isLiteral(c.args[i]) else { continue }
                // `const char *cmd = "ls -l"; system(cmd);`: a local that only ever holds literals is a fixed command.
                if let v = lvalueKey(c.args[i]), holdsOnlyLiterals(v, before: c.nameTok) { continue }
                bad = stripped(c.args[i])
            case "execArgs":
                guard f.execArgs == true, !c.args.isEmpty else { continue }
                if !isLiteral(c.args[0]) { bad = c.args[0]; break }
                if let dashC = c.args.firstIndex(where: { isLiteral($0) && literalText($0) == "\"-c\"" }),
                   dashC + 1 < c.args.count, !isLiteral(c.args[dashC + 1]), t(c.args[dashC + 1].lowerBound) != "NULL" {
                    bad = c.args[dashC + 1]
                }
            default: continue
            }
            guard let r = bad, !r.isEmpty else { continue }
            if let o = taint.anyTaint(self, r) {
                out.append(Hit(span: callSpan(c), detail: "tainted by \(o.source) at line \(o.line)", confidence: .high))
            } else {
                out.append(Hit(span: callSpan(c)))
            }
        }
        return out
    }

    /// `true` when `v` is a local (not a parameter) whose every assignment before `limit` is a string literal (or
    /// a ternary choosing between literals), and no call before takes it as an argument (and could write into it).
    func holdsOnlyLiterals(_ v: String, before limit: Int) -> Bool {
        guard !paramNames.contains(v) else { return false }
        var assigned = false
        var k = fn.bodyOpen + 1
        while k < limit {
            defer { k += 1 }
            guard t(k) == v, t(k - 1) != "->", t(k - 1) != "." else { continue }
            // `char cmd[] = "ls";`: the declaration of an array initialized from a literal.
            let declaredArray = t(k + 1) == "[" && src.sig[k - 1].kind == .identifier && Int(src.match[k + 1]) > k + 1
                && p(Int(src.match[k + 1]) + 1) == P.assign
            if p(k + 1) == P.assign || declaredArray {
                let from = declaredArray ? Int(src.match[k + 1]) + 2 : k + 2
                let rhs = from..<statementEnd(from)
                let values = rhs.firstIndex(where: { t($0) == "?" }).map { ($0 + 1)..<rhs.upperBound } ?? rhs
                guard values.contains(where: { src8($0) == .string }),
                      values.allSatisfy({ src8($0) == .string || [":", "(", ")"].contains(t($0)) }) else { return false }
                assigned = true
            } else if t(k + 1) == "[" || directArgCall(k..<(k + 1)) != nil {
                return false
            }
        }
        return assigned
    }

    // MARK: - alloc-size-overflow, alloc-strlen

    static let overflowGuards: Set<String> = ["SIZE_MAX", "INT_MAX", "UINT_MAX", "LONG_MAX", "ULONG_MAX", "SSIZE_MAX",
        "__builtin_mul_overflow", "ckd_mul", "check_mul_overflow", "__builtin_umull_overflow", "size_mul", "array_size", "struct_size"]

    /// Products in allocation sizes that nothing checks: every size argument of an allocator the API table knows
    /// (a product *inside* one argument is computed by the caller, so `calloc(n * size, 1)` wraps like malloc),
    /// every argument of a callee whose name ends in one of `allocatorSuffixes` (project wrappers such as
    /// `_TIFFmalloc`, `CPLMalloc`, `heap_alloc`), and the bound of a C++ `new T[a * b]`, whose `int` product wraps
    /// before `new` sees it.
    func allocSizeOverflows(allocatorSuffixes: [String]) -> [Hit] {
        var candidates: [(size: Range<Int>, anchor: Int, span: SourceSpan)] = []
        for c in calls {
            let sizeArgs: [Int]
            if let f = c.fact {
                guard let s = f.sizeArgs, f.alloc != nil || f.multiplyUnchecked == true else { continue }
                sizeArgs = s
            } else {
                guard allocatorSuffixes.contains(where: { FunctionScope.hasSuffixIgnoringCase(c.name, $0) }) else { continue }
                sizeArgs = Array(c.args.indices)
            }
            for a in sizeArgs where a < c.args.count { candidates.append((c.args[a], c.nameTok, callSpan(c))) }
        }
        for k in body where kw(k) == Kw.new {
            guard let bracket = arrayNewBracket(after: k) else { continue }
            let close = Int(src.match[bracket])
            candidates.append(((bracket + 1)..<close, k, span(k, close)))
        }
        guard !candidates.isEmpty, !body.contains(where: { FunctionScope.overflowGuards.contains(t($0)) }) else { return [] }
        var out: [Hit] = []
        for c in candidates {
            let vars = multipliedVariables(c.size)
            guard !vars.isEmpty, !comparedBefore(c.anchor, names: vars, mention: nil) else { continue }
            out.append(Hit(span: c.span, detail: "size \(key(c.size))"))
        }
        return out
    }

    /// ASCII case-insensitive suffix test on UTF-8, without allocating (it runs on every unknown callee).
    static func hasSuffixIgnoringCase(_ s: String, _ suffix: String) -> Bool {
        let a = s.utf8, b = suffix.utf8
        guard a.count >= b.count else { return false }
        return zip(a.suffix(b.count), b).allSatisfy { x, y in (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) == y }
    }

    /// The `[` of `new T[n]` (also `new (std::nothrow) ns::T<U>*[n]`), or nil for a scalar `new`.
    func arrayNewBracket(after newTok: Int) -> Int? {
        var j = newTok + 1
        if t(j) == "(", src.match[j] > j { j = Int(src.match[j]) + 1 }
        var angle = 0
        while j < fn.bodyClose, j - newTok < 32 {
            let w = t(j)
            if w == "<" { angle += 1 } else if w == ">" { angle -= 1 } else if w == ">>" { angle -= 2 }
            else if w == "[" { return angle == 0 && src.match[j] > j ? j : nil }
            else if !(isIdent(j) || w == "::" || w == "*" || w == "," || (angle > 0 && src8(j) == .number)) { return nil }
            j += 1
        }
        return nil
    }

    /// Identifiers multiplied at the top level of a size expression, excluding constants and sizeof.
    func multipliedVariables(_ r: Range<Int>) -> [String] {
        var factors: [Range<Int>] = []
        var s = r.lowerBound
        var k = r.lowerBound
        var sawMul = false
        while k < r.upperBound {
            let w = t(k)
            if w == "(" || w == "[", src.match[k] > k, Int(src.match[k]) < r.upperBound { k = Int(src.match[k]) + 1; continue }
            if w == "*", k > s, isIdent(k - 1) || src8(k - 1) == .number || t(k - 1) == ")" || t(k - 1) == "]" {
                if !(t(k - 1) == ")" && isTypeCast(Int(src.match[k - 1]) >= 0 ? Int(src.match[k - 1]) : k)) {
                    factors.append(s..<k); s = k + 1; sawMul = true
                }
            }
            if w == "+" || w == "-" { if sawMul { break }; factors.removeAll(); s = k + 1 }  // only one product term
            k += 1
        }
        guard sawMul else { return [] }
        factors.append(s..<k)
        let ev = ConstEval(text: src.text, sig: src.sig, match: src.match, defines: src.defineBodies, arrays: arrays)
        var vars: [String] = []
        for f in factors where !f.isEmpty {
            let g = stripped(f)
            if g.isEmpty || t(g.lowerBound) == "sizeof" || ev.eval(g.lowerBound, g.upperBound) != nil { continue }
            if g.count == 1, isConstantName(t(g.lowerBound)) { continue }
            vars += identifiers(g).map { t($0) }
            if identifiers(g).isEmpty { vars.append(key(g)) }
        }
        return vars
    }

    func allocStrlen() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let f = c.fact, f.alloc != nil else { continue }
            for a in f.sizeArgs ?? [] where a < c.args.count {
                let r = stripped(c.args[a])
                guard r.contains(where: { t($0) == "strlen" }), !r.contains(where: { t($0) == "+" }) else { continue }
                // Only `strlen(x)` optionally times sizeof(char).
                let words = r.filter { isIdent($0) }.map { t($0) }
                guard words.first == "strlen" || words.starts(with: ["sizeof", "char", "strlen"]) else { continue }
                out.append(Hit(span: callSpan(c)))
            }
        }
        return out
    }

    // MARK: - unchecked-return

    /// - Parameters:
    ///   - only: when set, just these callees (the low-severity scanf rule);
    ///   - exclude: callees another rule reports.
    func uncheckedReturns(only: Set<String>?, exclude: Set<String>) -> [Hit] {
        calls.compactMap { c in
            guard c.fact?.checkReturn == true, t(c.close + 1) == ";", !exclude.contains(c.name),
                  only.map({ $0.contains(c.name) }) ?? true else { return nil }
            let before = t(c.nameTok - 1)
            guard [";", "{", "}", "else", ":"].contains(before) || (before == ")" && controllingHeader(c.nameTok - 1)) else { return nil }
            return Hit(span: callSpan(c))
        }
    }

    /// `true` when the `)` at `close` ends an if/while/for header (a braceless body follows).
    func controllingHeader(_ close: Int) -> Bool {
        let o = Int(src.match[close])
        return o > 0 && ["if", "while", "for"].contains(t(o - 1))
    }

    // MARK: - toctou, input-path

    func toctou() -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let a = c.fact?.pathCheck, a < c.args.count else { continue }
            let k = key(stripped(c.args[a]))
            guard let use = calls.first(where: { u in
                u.nameTok > c.close && (u.fact?.pathArg).map { $0 < u.args.count && key(stripped(u.args[$0])) == k } == true
            }) else { continue }
            out.append(Hit(span: callSpan(c), detail: "then \(use.name)() at line \(line(use.nameTok))"))
        }
        return out
    }

    func inputPaths(sanitizers: Set<String>) -> [Hit] {
        var out: [Hit] = []
        for c in calls {
            guard let a = c.fact?.pathArg, a < c.args.count, !isLiteral(c.args[a]) else { continue }
            let r = stripped(c.args[a])
            let real = taint.anyTaint(self, r)
            // A parameter used directly as the path is the caller's decision; flag a path *built* here from one.
            if real == nil, let root = r.first, isIdent(root), paramNames.contains(t(root)) { continue }
            guard let o = real ?? paramTaint.anyTaint(self, r) else { continue }
            // Any validation before the open counts: a sanitizer call, a ".." literal, or a path fact that canonicalizes.
            let checked = (fn.bodyOpen..<c.nameTok).contains { k in
                (sanitizers.contains(t(k)) && t(k + 1) == "(") || (src8(k) == .string && t(k).contains(".."))
                    || (rules.facts[t(k)]?.sanitizesPath == true)
            }
            if checked { continue }
            out.append(Hit(span: callSpan(c), detail: "path from \(o.source)", confidence: real != nil ? .high : nil))
        }
        return out
    }

    // MARK: - strncpy-unterminated

    /// `strncpy(dst, src, sizeof dst)` with no later `dst[…] = '\0'`: a long source leaves dst unterminated.
    func unterminatedBoundedCopies() -> [Hit] {
        var out: [Hit] = []
        for c in calls where c.fact?.unterminatedAtSize == true && c.args.count >= 3 {
            guard let dst = lvalueKey(c.args[0]), containsMeasure(of: dst, in: c.args[2], measures: ["sizeof"]),
                  !c.args[2].contains(where: { t($0) == "-" }) else { continue }
            // Terminated afterwards: `dst[…] = 0` or `'\0'`, or `*(dst + …) = 0`, anywhere after the call.
            let n = keyTokenCount(dst)
            let terminated = occurrences(of: dst, tokens: n, from: c.close, to: fn.bodyClose).contains { occ in
                t(occ.upperBound) == "[" && src.match[occ.upperBound] > occ.upperBound
                    && t(Int(src.match[occ.upperBound]) + 1) == "="
                    && ["0", "'\\0'", "NUL", "'\\x00'"].contains(t(Int(src.match[occ.upperBound]) + 2))
            }
            if !terminated { out.append(Hit(span: callSpan(c), detail: dst)) }
        }
        return out
    }

    // MARK: - sizeof-pointer

    /// `sizeof(p)` as a copy or allocation size where `p` is a pointer parameter: it measures the pointer (8).
    func sizeofPointers() -> [Hit] {
        let pointers = Set(fn.params.filter { $0.type.contains("*") && !$0.type.contains("[") && !$0.type.contains("**") }.map(\.name))
        guard !pointers.isEmpty else { return [] }
        var out: [Hit] = []
        for c in calls {
            guard let f = c.fact else { continue }
            let sizes = (f.sizeArgs ?? []) + (f.copy.map { [$0.size] } ?? []) + (f.buffers?.map(\.size) ?? [])
            for a in Set(sizes) where a < c.args.count {
                let r = c.args[a]
                guard let k = r.first(where: { t($0) == "sizeof" }) else { continue }
                let o = t(k + 1) == "(" ? k + 2 : k + 1
                if pointers.contains(t(o)), t(o + 1) == ")" || t(k + 1) != "(" {
                    out.append(Hit(span: callSpan(c), detail: "sizeof(\(t(o))) is the size of a pointer"))
                    break
                }
            }
        }
        return out
    }
}
