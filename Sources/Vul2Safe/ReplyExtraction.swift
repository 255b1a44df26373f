// Pulls code blocks and JSON out of messy model replies (prose around fences, truncation, trailing commas).
import Foundation

/// Robust extraction from free-form teacher text. Small models wrap, truncate and decorate their
/// output unpredictably; every function here degrades to a best guess or `nil`, never throws.
public enum ReplyExtraction {
    // MARK: - Code

    /// A fenced block: its language tag (lower-cased, may be empty) and body.
    public struct CodeBlock: Equatable, Sendable {
        public var language: String
        public var code: String
    }

    /// All ``` or ~~~ fenced blocks; an unterminated last fence runs to the end of the text.
    public static func codeBlocks(in text: String) -> [CodeBlock] {
        var blocks: [CodeBlock] = []
        var current: (lang: String, lines: [Substring], fence: String)?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = current {
                if trimmed.hasPrefix(open.fence) && trimmed.allSatisfy({ $0 == open.fence.first }) {
                    blocks.append(CodeBlock(language: open.lang, code: open.lines.joined(separator: "\n")))
                    current = nil
                } else {
                    current!.lines.append(line)
                }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let fence = String(trimmed.prefix(3))
                let lang = trimmed.drop { $0 == fence.first }.trimmingCharacters(in: .whitespaces).lowercased()
                current = (lang, [], fence)
            }
        }
        if let open = current, !open.lines.isEmpty {
            blocks.append(CodeBlock(language: open.lang, code: open.lines.joined(separator: "\n")))
        }
        return blocks
    }

    /// The most plausible function body in `text`: a fenced block mentioning `functionName` (then any
    /// C-like block, then the longest), else the unfenced span from the first line naming the
    /// function to the last closing brace. `nil` when nothing looks like code.
    public static func code(in text: String, functionName: String? = nil) -> String? {
        let blocks = codeBlocks(in: text).filter { !$0.code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        if !blocks.isEmpty {
            if let name = functionName, let hit = blocks.first(where: { $0.code.contains(name + "(") || $0.code.contains(name + " (") }) {
                return trimBlankLines(hit.code)
            }
            let cLike = blocks.filter { ["c", "cpp", "c++", "cc", "h", ""].contains($0.language) }
            return trimBlankLines((cLike.isEmpty ? blocks : cLike).max { $0.code.count < $1.code.count }!.code)
        }
        // No fences: look for a function-shaped region.
        let lines = text.components(separatedBy: "\n")
        let start = lines.firstIndex { line in
            if let name = functionName { return line.contains(name + "(") || line.contains(name + " (") }
            return line.contains("(") && !line.hasPrefix(" ") && !line.lowercased().hasPrefix("here")
        }
        guard let start, let end = lines.lastIndex(where: { $0.hasPrefix("}") }), end >= start else { return nil }
        return lines[start...end].joined(separator: "\n")
    }

    private static func trimBlankLines(_ s: String) -> String {
        var lines = s.components(separatedBy: "\n")
        while let f = lines.first, f.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        while let l = lines.last, l.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    // MARK: - JSON

    /// The first JSON object in `text` that parses, after light repair (trailing commas, unclosed
    /// brackets of a truncated reply). Prefers a ```json fence, then the whole text, then each
    /// balanced `{…}` candidate in order.
    public static func jsonObject(in text: String) -> [String: Any]? {
        for candidate in jsonCandidates(in: text, open: "{") {
            if let obj = parse(candidate) as? [String: Any] { return obj }
        }
        return nil
    }

    /// Like ``jsonObject(in:)`` for a top-level array.
    public static func jsonArray(in text: String) -> [Any]? {
        for candidate in jsonCandidates(in: text, open: "[") {
            if let arr = parse(candidate) as? [Any] { return arr }
        }
        return nil
    }

    private static func jsonCandidates(in text: String, open: Character) -> [String] {
        var out = codeBlocks(in: text).filter { $0.language == "json" || $0.language.isEmpty }.map(\.code)
        out.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var index = text.startIndex
        while let start = text[index...].firstIndex(of: open) {
            out.append(balancedPrefix(text[start...]))
            index = text.index(after: start)
            if out.count > 40 { break }  // pathological replies: enough tries
        }
        return out
    }

    /// The text from an opening bracket up to its matching close (string-aware), or to the end
    /// (then closed by ``repair``) when the reply was truncated.
    private static func balancedPrefix(_ s: Substring) -> String {
        var depth = 0
        var inString = false
        var escaped = false
        for i in s.indices {
            let c = s[i]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"": inString = true
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth == 0 { return String(s[...i]) }
            default: break
            }
        }
        return String(s)
    }

    private static func parse(_ candidate: String) -> Any? {
        let trimmed = candidate.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if let v = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) { return v }
        return try? JSONSerialization.jsonObject(with: Data(repair(trimmed).utf8))
    }

    /// Drops `//` and `/* */` comments (small models annotate their JSON like code) and trailing
    /// commas, and closes an unterminated string and open brackets.
    static func repair(_ s: String) -> String {
        var out = ""
        var stack: [Character] = []
        var inString = false
        var escaped = false
        let chars = Array(s)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            if c == "/", i < chars.count, chars[i] == "/" || chars[i] == "*" {
                let block = chars[i] == "*"
                i += 1
                while i < chars.count {
                    if block, chars[i] == "*", i + 1 < chars.count, chars[i + 1] == "/" { i += 2; break }
                    if !block, chars[i] == "\n" { break }
                    i += 1
                }
                continue
            }
            switch c {
            case "\"": inString = true
            case "{": stack.append("}")
            case "[": stack.append("]")
            case "}", "]":
                while out.last?.isWhitespace == true { out.removeLast() }
                if out.last == "," { out.removeLast() }
                if !stack.isEmpty { stack.removeLast() }
            default: break
            }
            out.append(c)
        }
        if inString { out.append("\"") }
        while out.last?.isWhitespace == true { out.removeLast() }
        if out.last == "," { out.removeLast() }
        if out.last == ":" { out.append("null") }
        out.append(contentsOf: stack.reversed())
        return out
    }
}
