// PythonSanitizer: a Python answer reduced to its imports, definitions and constants (EvalPlus's `sanitize`, by lines).
import Foundation

/// Keeps what a Python solution *defines* and drops what it *runs* at the top level.
///
/// Why: instruct models append usage examples after the function (`print(f(...))`, asserts, an
/// `if __name__ == "__main__":` block). Those lines are not the solution, and when generation hits the
/// token limit inside one of them (a repetition loop in a test list) the whole program fails to parse
/// although the function is complete. EvalPlus sanitizes every completion before scoring for the same
/// reason; this is a line-based version of it that needs no Python parser:
/// - kept: top-level `import`/`from`, `def`/`async def`/`class` with their decorators and indented
///   bodies, and top-level assignments (`NAME = …`, with their continuation lines);
/// - dropped: every other top-level statement and its continuation (calls, `print`, `assert`, `if`,
///   `for`, `try`, …), so `if __name__ == "__main__":` goes with its body.
/// A definition cut by the token limit stays as it is: the sanitizer does not repair code.
public enum PythonSanitizer {
    public static func sanitize(_ code: String) -> String {
        var out: [Substring] = []
        var keeping = false
        var open = 0  // unclosed brackets of the current top-level statement (its continuation lines)
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let topLevel = trimmed.count == line.count && !trimmed.isEmpty && open == 0
            if topLevel && trimmed.hasPrefix("#") { continue }  // a top-level comment belongs to neither side
            if topLevel {
                keeping = isDefinition(trimmed) || isAssignment(trimmed)
                  || (trimmed.hasPrefix(")") || trimmed.hasPrefix("]") || trimmed.hasPrefix("}")) && keeping
            }
            if keeping || trimmed.isEmpty { out.append(line) }
            if topLevel || open > 0 { open = max(0, open + bracketBalance(trimmed)) }
        }
        while let last = out.last, last.allSatisfy(\.isWhitespace) { out.removeLast() }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    static func isDefinition(_ s: Substring) -> Bool {
        ["import ", "from ", "def ", "async def ", "class ", "@"].contains { s.hasPrefix($0) }
    }

    /// `NAME = …` or `NAME: type = …` (not `==`, not a call or subscript on the left).
    static func isAssignment(_ s: Substring) -> Bool {
        guard let eq = s.firstIndex(of: "="), s[s.index(after: eq)...].first != "=" else { return false }
        let lhs = s[..<eq].trimmingCharacters(in: .whitespaces)
        let target = lhs.split(separator: ":").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? lhs
        return !target.isEmpty && target.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "," || $0 == " " }
            && !"+-*/%&|^<>!".contains(lhs.last ?? " ")
    }

    /// Opened minus closed brackets outside string literals and comments (single-line strings only).
    static func bracketBalance(_ s: Substring) -> Int {
        var n = 0
        var quote: Character? = nil
        var escaped = false
        for c in s {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "#": return n
            case "\"", "'": quote = c
            case "(", "[", "{": n += 1
            case ")", "]", "}": n -= 1
            default: break
            }
        }
        return n
    }
}
