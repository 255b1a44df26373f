// The stub declarations StubPrelude learns from compiler errors, and how they render as C/C++.
import Foundation

extension StubPrelude {
    /// Names learned so far; ``learn(from:)`` reports whether a round taught anything new.
    struct Stubs {
        let cplusplus: Bool
        /// Every `->name` / `.name` member used in the snippet, with whether any use needs a pointer.
        let members: [(name: String, kind: MemberKind)]
        /// Called names whose call is followed by a block inside a body: iteration macros (`list_for_each(…) {`).
        let loopMacros: Set<String>

        /// How a member is used: `->`/`.` after it needs a struct pointer, `[i]` an element pointer.
        enum MemberKind: Int { case scalar, elementPointer, structValue, structPointer }
        let identifierUses: [String: IdentifierUse]
        let snippetLines: [String]
        var typeNames: [String] = []
        var annotationMacros: [String] = []
        var completeStructs: [String] = []
        var values: [String] = []
        /// Stub types that must be integers (`u64`, `BOOL`, or learned from arithmetic errors).
        var scalarTypes: [String] = []

        struct IdentifierUse {
            var beforeArrow = false, called = false, beforeType = false
            /// Seen as `X y;` / `X *y =` / `X **y,`: a declaration, so X is a type even where clang
            /// first read it as an expression (`use of undeclared identifier`).
            var declarationLike = false
        }

        init(snippet: String, cplusplus: Bool) {
            self.cplusplus = cplusplus
            snippetLines = snippet.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let b = Array(snippet.utf8)
            var members: [String: MemberKind] = [:]
            var loops: Set<String> = []
            var depth = 0
            var uses: [String: IdentifierUse] = [:]
            var order: [String] = []
            var i = 0
            var previous = ""  // the token before the current identifier, roughly
            while i < b.count {
                if Self.isIdentStart(b[i]) {
                    var j = i
                    while j < b.count, Self.isIdent(b[j]) { j += 1 }
                    let name = String(decoding: b[i..<j], as: UTF8.self)
                    var k = j
                    while k < b.count, b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A { k += 1 }
                    let dot = k < b.count && b[k] == 0x2E && !(k + 1 < b.count && b[k + 1] >= 0x30 && b[k + 1] <= 0x39)
                    let deref = (k + 1 < b.count && b[k] == 0x2D && b[k + 1] == 0x3E) || dot
                    let arrow = deref || (k < b.count && b[k] == 0x5B)
                    let call = k < b.count && b[k] == 0x28
                    if call, depth > 0, Self.blockFollowsCall(b, open: k),
                       name.uppercased() == name || name.lowercased().contains("each") {
                        loops.insert(name)
                    }
                    if previous == "->" || previous == "." {
                        if members[name] == nil { order.append(name) }
                        let kind: MemberKind = dot ? .structValue : deref ? .structPointer : (arrow ? .elementPointer : .scalar)
                        members[name] = MemberKind(rawValue: max(members[name]?.rawValue ?? 0, kind.rawValue))!
                    } else {
                        var u = uses[name] ?? IdentifierUse()
                        u.beforeArrow = u.beforeArrow || arrow
                        u.called = u.called || call
                        // `X Y *` / `X Y Z` / `X int`: X annotates a following type.
                        if k < b.count, Self.isIdentStart(b[k]) {
                            var m = k
                            while m < b.count, Self.isIdent(b[m]) { m += 1 }
                            let next = String(decoding: b[k..<m], as: UTF8.self)
                            while m < b.count, b[m] == 0x20 || b[m] == 0x09 { m += 1 }
                            if Self.typeKeywords.contains(next) || (m < b.count && (b[m] == 0x2A || Self.isIdentStart(b[m]))) {
                                u.beforeType = true
                            }
                        }
                        if Self.looksLikeDeclaration(b, from: k) { u.declarationLike = true }
                        uses[name] = u
                    }
                    previous = name
                    i = j
                    continue
                }
                if b[i] == 0x2D, i + 1 < b.count, b[i + 1] == 0x3E { previous = "->"; i += 2; continue }
                if b[i] == 0x2E { previous = "."; i += 1; continue }
                if b[i] == 0x7B { depth += 1 }
                if b[i] == 0x7D { depth = max(0, depth - 1) }
                if b[i] != 0x20 && b[i] != 0x09 && b[i] != 0x0A { previous = String(UnicodeScalar(b[i])) }
                i += 1
            }
            self.members = order.map { ($0, members[$0] ?? .scalar) }
            loopMacros = loops
            identifierUses = uses
        }

        /// Whether the parenthesis at `open` closes and is followed by `{` (same line or next).
        static func blockFollowsCall(_ b: [UInt8], open: Int) -> Bool {
            var d = 0, m = open
            while m < b.count {
                if b[m] == 0x28 { d += 1 } else if b[m] == 0x29 { d -= 1; if d == 0 { break } }
                m += 1
            }
            m += 1
            while m < b.count, b[m] == 0x20 || b[m] == 0x09 || b[m] == 0x0A || b[m] == 0x0D { m += 1 }
            return m < b.count && b[m] == 0x7B
        }

        /// `[*]* identifier` followed by `;`, `=`, `,`, `[` or `)` starting at byte `k`.
        static func looksLikeDeclaration(_ b: [UInt8], from k: Int) -> Bool {
            var m = k
            while m < b.count, b[m] == 0x2A || b[m] == 0x20 { m += 1 }
            guard m < b.count, isIdentStart(b[m]) else { return false }
            while m < b.count, isIdent(b[m]) { m += 1 }
            while m < b.count, b[m] == 0x20 || b[m] == 0x09 { m += 1 }
            return m < b.count && [0x3B, 0x3D, 0x2C, 0x5B, 0x29].contains(b[m])
        }

        /// Integer typedef names common in C projects: `u8`, `s32`, `uint64`, `gint`, `BOOL`, `DWORD`.
        static func looksScalar(_ t: String) -> Bool {
            if t.range(of: #"^(u|s|i|uint|int|__u|__s|__le|__be|le|be)(8|16|32|64)(_t)?$"#, options: .regularExpression) != nil { return true }
            return ["BOOL", "BYTE", "WORD", "DWORD", "UINT", "ULONG", "LONG", "uint", "ulong", "ushort", "uchar",
                    "gint", "guint", "gboolean", "gsize", "gssize", "guint8", "guint16", "guint32", "guint64",
                    "gint32", "gint64", "off64_t", "loff_t", "sector_t", "gfp_t", "pgoff_t", "Py_ssize_t",
                    "MagickBooleanType", "MagickSizeType", "MagickOffsetType", "Quantum", "ssize_t"].contains(t)
        }

        static let typeKeywords: Set<String> = ["int", "char", "void", "long", "short", "unsigned", "signed", "float",
            "double", "struct", "union", "enum", "const", "static", "inline", "bool", "size_t", "volatile"]
        static func isIdentStart(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        static func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 0x30 && c <= 0x39) }

        // MARK: - Learning

        /// Adds stubs for the errors it understands; `false` when nothing new was learned.
        mutating func learn(from errors: [(line: Int?, column: Int, message: String)]) -> Bool {
            var learned = false
            // `(u64)x`: an unknown type in a cast only yields "expected ')'" right after its name.
            for e in errors where e.message.hasPrefix("expected ')'") || e.message.hasPrefix("expected expression") {
                guard let l = e.line, let name = castName(line: l, column: e.column),
                      !typeNames.contains(name), !annotationMacros.contains(name) else { continue }
                values.removeAll { $0 == name }
                typeNames.append(name); learned = true
            }
            // `'u8' (aka 'struct __srcode_any')` in an arithmetic error: that stub type must be a scalar.
            for e in errors {
                var rest = Substring(e.message)
                while let aka = rest.range(of: "' (aka 'struct __srcode_any')") {
                    let head = rest[..<aka.lowerBound]
                    if let q = head.lastIndex(of: "'") {
                        let name = String(head[head.index(after: q)...])
                        if typeNames.contains(name), !scalarTypes.contains(name) { scalarTypes.append(name); learned = true }
                    }
                    rest = rest[aka.upperBound...]
                }
            }
            let messages = errors.map(\.message)
            // Types first: clang reports `Select *p;` inside a body as an undeclared identifier too.
            let ordered = messages.filter { $0.contains("unknown type name") } + messages.filter { !$0.contains("unknown type name") }
            for m in ordered {
                if let n = quoted(m, after: "unknown type name") {
                    if identifierUses[n]?.beforeType == true && !annotationMacros.contains(n) && !typeNames.contains(n) {
                        annotationMacros.append(n); learned = true
                    } else if typeNames.contains(n) == false && !annotationMacros.contains(n) {
                        typeNames.append(n); learned = true
                    }
                } else if let n = quoted(m, after: "incomplete definition of type"), n.hasPrefix("struct ") {
                    let s = String(n.dropFirst(7))
                    if !completeStructs.contains(s) { completeStructs.append(s); learned = true }
                } else if let n = quoted(m, after: "use of undeclared identifier") ?? quoted(m, after: "was not declared"),
                          !values.contains(n), !typeNames.contains(n), !annotationMacros.contains(n) {
                    if identifierUses[n]?.declarationLike == true { typeNames.append(n) } else { values.append(n) }
                    learned = true
                } else if m.contains("expected ';' after top level declarator"), let t = typeNames.last,
                          identifierUses[t]?.beforeType == true, !annotationMacros.contains(t) {
                    typeNames.removeAll { $0 == t }; annotationMacros.append(t); learned = true
                }
            }
            return learned
        }

        /// The `T` of a cast `(T)`/`(T *)` that clang could not parse, the error being at or just after its `)`.
        func castName(line: Int, column: Int) -> String? {
            guard line >= 1, line <= snippetLines.count else { return nil }
            let b = Array(snippetLines[line - 1].utf8)
            var end = max(0, min(column - 1, b.count))
            while end > 0, [0x20, 0x09, 0x29, 0x2A].contains(b[end - 1]) { end -= 1 }
            var start = end
            while start > 0, Self.isIdent(b[start - 1]) { start -= 1 }
            guard start < end, Self.isIdentStart(b[start]) else { return nil }
            var before = start
            while before > 0, b[before - 1] == 0x20 { before -= 1 }
            guard before > 0, b[before - 1] == 0x28 else { return nil }
            let name = String(decoding: b[start..<end], as: UTF8.self)
            return Self.typeKeywords.contains(name) ? nil : name
        }

        func quoted(_ m: String, after key: String) -> String? {
            guard let r = m.range(of: key) else { return nil }
            let rest = m[r.upperBound...]
            guard let a = rest.firstIndex(of: "'") else { return nil }
            let tail = rest[rest.index(after: a)...]
            guard let z = tail.firstIndex(of: "'") else { return nil }
            let name = String(tail[..<z])
            return name.isEmpty ? nil : name
        }

        // MARK: - Rendering

        func render() -> String {
            var out = "/* srcode stubs */\n"
            for m in annotationMacros { out += "#define \(m)\n" }
            // The loop variable is assigned so the analyzers do not report it as uninitialized.
            for m in loopMacros.sorted() where !annotationMacros.contains(m) { out += "#define \(m)(x, ...) for ((x) = 0;;)\n" }
            func fields(nested: Bool) -> String {
                members.map { m -> String in
                    switch m.kind {
                    case .structPointer: "struct __srcode_any *\(m.name);"
                    case .structValue: nested ? "long \(m.name);" : "struct __srcode_val \(m.name);"
                    case .elementPointer: "long *\(m.name);"
                    case .scalar: "long \(m.name);"
                    }
                }.joined(separator: " ")
            }
            out += "struct __srcode_any;\nstruct __srcode_val { long __srcode_pad; \(fields(nested: true)) };\n"
            let fields = fields(nested: false)
            out += "struct __srcode_any { long __srcode_pad; \(fields) };\n"
            for s in completeStructs { out += "struct \(s) { long __srcode_pad; \(fields) };\n" }
            for t in typeNames {
                let scalar = scalarTypes.contains(t) || Self.looksScalar(t)
                out += scalar ? "typedef long \(t);\n" : "typedef struct __srcode_any \(t);\n"
            }
            for (i, v) in values.enumerated() {
                let use = identifierUses[v] ?? IdentifierUse()
                if use.called && cplusplus {
                    out += "template <class... A> long \(v)(A...);\n"
                } else if use.beforeArrow {
                    out += "extern struct __srcode_any *\(v);\n"
                } else if v.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
                    out += "enum { \(v) = \(64 + i) };\n"  // distinct: they may be case labels
                } else {
                    out += "extern long \(v);\n"
                }
            }
            return out
        }
    }
}
