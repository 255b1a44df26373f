// The stub declarations StubPrelude learns from compiler errors, and how they render as C/C++.
import Foundation

extension StubPrelude {
    /// Names learned so far; ``learn(from:)`` reports whether a round taught anything new.
    struct Stubs {
        let cplusplus: Bool
        /// Every `->name` / `.name` member used in the snippet, with whether any use needs a pointer.
        let members: [(name: String, pointer: Bool)]
        let identifierUses: [String: IdentifierUse]
        var typeNames: [String] = []
        var annotationMacros: [String] = []
        var completeStructs: [String] = []
        var values: [String] = []

        struct IdentifierUse { var beforeArrow = false; var called = false; var beforeType = false }

        init(snippet: String, cplusplus: Bool) {
            self.cplusplus = cplusplus
            let b = Array(snippet.utf8)
            var members: [String: Bool] = [:]
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
                    let arrow = k + 1 < b.count && ((b[k] == 0x2D && b[k + 1] == 0x3E) || b[k] == 0x5B)
                    let call = k < b.count && b[k] == 0x28
                    if previous == "->" || previous == "." {
                        if members[name] == nil { order.append(name) }
                        members[name] = (members[name] ?? false) || arrow
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
                        uses[name] = u
                    }
                    previous = name
                    i = j
                    continue
                }
                if b[i] == 0x2D, i + 1 < b.count, b[i + 1] == 0x3E { previous = "->"; i += 2; continue }
                if b[i] == 0x2E { previous = "."; i += 1; continue }
                if b[i] != 0x20 && b[i] != 0x09 && b[i] != 0x0A { previous = String(UnicodeScalar(b[i])) }
                i += 1
            }
            self.members = order.map { ($0, members[$0] ?? false) }
            identifierUses = uses
        }

        static let typeKeywords: Set<String> = ["int", "char", "void", "long", "short", "unsigned", "signed", "float",
            "double", "struct", "union", "enum", "const", "static", "inline", "bool", "size_t", "volatile"]
        static func isIdentStart(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        static func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 0x30 && c <= 0x39) }

        // MARK: - Learning

        /// Adds stubs for the errors it understands; `false` when nothing new was learned.
        mutating func learn(from messages: [String]) -> Bool {
            var learned = false
            for m in messages {
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
                          !values.contains(n) {
                    values.append(n); learned = true
                } else if m.contains("expected ';' after top level declarator"), let t = typeNames.last,
                          identifierUses[t]?.beforeType == true, !annotationMacros.contains(t) {
                    typeNames.removeAll { $0 == t }; annotationMacros.append(t); learned = true
                }
            }
            return learned
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
            let fields = members.map { "\($0.pointer ? "struct __srcode_any *" : "long ")\($0.name);" }.joined(separator: " ")
            out += "struct __srcode_any { long __srcode_pad; \(fields) };\n"
            for s in completeStructs { out += "struct \(s) { long __srcode_pad; \(fields) };\n" }
            for t in typeNames { out += "typedef struct __srcode_any \(t);\n" }
            for v in values {
                let use = identifierUses[v] ?? IdentifierUse()
                if use.called && cplusplus {
                    out += "template <class... A> long \(v)(A...);\n"
                } else if use.beforeArrow {
                    out += "extern struct __srcode_any *\(v);\n"
                } else if v.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
                    out += "enum { \(v) = 64 };\n"
                } else {
                    out += "extern long \(v);\n"
                }
            }
            return out
        }
    }
}
