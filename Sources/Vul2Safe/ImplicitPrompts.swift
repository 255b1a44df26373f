// Implicit task prompts: what the function does, never that it is secure. Teacher-written or offline.
import Foundation
import SRCodeData

/// One implicit prompt. `origin` is `teacher` or `offline` (built from signature/comments/metadata).
public struct ImplicitPrompt: Codable, Sendable, Equatable {
    public var style: String
    public var text: String
    public var origin: String
    public init(style: String, text: String, origin: String) { self.style = style; self.text = text; self.origin = origin }
}

public enum ImplicitPrompts {
    /// Styles in the order they are requested; the first `n` are used.
    public static let styles = ["docstring", "issue-report", "api-spec", "code-completion", "user-story", "test-description"]

    // MARK: - Teacher replies

    /// Prompts parsed from a teacher reply: a JSON array of `{style, prompt}` (or of strings), else
    /// numbered/bulleted lines. Styles missing from the reply are taken in request order.
    public static func parse(_ reply: String, requested: [String]) -> [ImplicitPrompt] {
        var out: [ImplicitPrompt] = []
        if let array = ReplyExtraction.jsonArray(in: reply) {
            for (i, item) in array.enumerated() {
                let fallbackStyle = i < requested.count ? requested[i] : "free"
                if let s = item as? String { out.append(ImplicitPrompt(style: fallbackStyle, text: s, origin: "teacher")) }
                else if let d = item as? [String: Any], let text = (d["prompt"] ?? d["text"] ?? d["description"]) as? String {
                    out.append(ImplicitPrompt(style: (d["style"] as? String) ?? fallbackStyle, text: text, origin: "teacher"))
                }
            }
        } else {
            let lines = reply.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for line in lines {
                guard let first = line.first, first.isNumber || first == "-" || first == "*" else { continue }
                let text = line.drop { $0.isNumber || $0 == "." || $0 == ")" || $0 == "-" || $0 == "*" || $0 == " " }
                if text.count >= 20 {
                    let style = out.count < requested.count ? requested[out.count] : "free"
                    out.append(ImplicitPrompt(style: style, text: String(text), origin: "teacher"))
                }
            }
        }
        return out.map { p in
            var p = p
            p.text = p.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return p
        }.filter { $0.text.count >= 20 }
    }

    // MARK: - Filtering

    /// The result of leakage filtering and near-duplicate removal.
    public struct Selection: Sendable {
        public var prompts: [ImplicitPrompt]
        public var leaked: Int
        public var duplicates: Int
    }

    /// Drops leaking prompts, then near-duplicates, keeping at most `count` in input order.
    public static func select(_ candidates: [ImplicitPrompt], cwes: [String], count: Int, filter: LeakageFilter) -> Selection {
        let clean = candidates.filter { filter.leaks(in: $0.text, cwes: cwes).isEmpty }
        let keep = NearDuplicate.keepIndices(clean.map(\.text))
        let deduped = keep.map { clean[$0] }
        return Selection(prompts: Array(deduped.prefix(count)), leaked: candidates.count - clean.count,
                         duplicates: clean.count - deduped.count)
    }

    // MARK: - Offline prompts

    /// Prompts built with no teacher from the secure code's signature and leading comment and the
    /// pair's metadata (project, file). Deterministic.
    public static func offline(pair: VulnerabilityPair, code: String, filter: LeakageFilter) -> [ImplicitPrompt] {
        let f = FunctionFacts(pair: pair, code: code, filter: filter)
        let (sig, name, words, ret, paramText, comment, purpose) = (f.signature, f.name, f.words, f.returns, f.paramText, f.comment, f.purpose)
        let place = [pair.fileName.map { "`\($0)`" }, pair.project.map { "the \($0) project" }].compactMap { $0 }.joined(separator: " of ")
        let whereText = place.isEmpty ? "" : " in \(place)"
        let lang = pair.language == .cpp ? "C++" : (pair.language == .c ? "C" : pair.language.rawValue)
        return [
            ImplicitPrompt(style: "docstring", text: "Implement the \(lang) function `\(sig)`\(whereText). Purpose: \(purpose). It takes \(paramText) and returns \(ret).", origin: "offline"),
            ImplicitPrompt(style: "issue-report", text: "Issue: \(name)() is missing\(whereText). We need a function that handles \"\(words)\": called with \(paramText), it should return \(ret) like the neighbouring helpers do.", origin: "offline"),
            ImplicitPrompt(style: "api-spec", text: "API specification\nName: \(name)\nLanguage: \(lang)\nParameters: \(paramText)\nReturns: \(ret)\nDescription: \(purpose)", origin: "offline"),
            ImplicitPrompt(style: "code-completion", text: (comment.map { "/* \($0) */\n" } ?? "") + sig + "\n{", origin: "offline"),
        ]
    }

    /// The declaration up to the body's opening brace, whitespace collapsed.
    static func signature(of code: String) -> String {
        let head = code.split(separator: "{", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? code
        let noComments = head.replacingOccurrences(of: #"/\*[\s\S]*?\*/|//[^\n]*"#, with: " ", options: .regularExpression)
        return noComments.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func functionName(in signature: String) -> String? {
        guard let paren = signature.firstIndex(of: "(") else { return nil }
        let before = signature[..<paren].trimmingCharacters(in: .whitespaces)
        let name = before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" || $0 == "~" }
        return name.isEmpty ? nil : String(name.reversed())
    }

    static func parts(of sig: String, name: String) -> (String, [String]) {
        guard let paren = sig.firstIndex(of: "("), let close = sig.lastIndex(of: ")"), paren < close else { return ("a value", []) }
        var ret = String(sig[..<paren]).trimmingCharacters(in: .whitespaces)
        if ret.hasSuffix(name) { ret = String(ret.dropLast(name.count)).trimmingCharacters(in: .whitespaces) }
        for kw in ["static ", "inline ", "extern ", "STATIC ", "local "] { ret = ret.replacingOccurrences(of: kw, with: "") }
        let params = sig[sig.index(after: paren)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "void" }
        return (ret.isEmpty || ret == "void" ? "nothing" : "`\(ret)`", params.map { "`\($0)`" })
    }

    /// The first comment inside or just before the function, one line, at most 200 characters.
    static func leadingComment(of code: String) -> String? {
        guard let r = code.range(of: #"/\*[\s\S]*?\*/|//[^\n]*"#, options: .regularExpression) else { return nil }
        let text = code[r].replacingOccurrences(of: #"^/\*+|\*+/$|^//+"#, with: "", options: .regularExpression)
            .split(whereSeparator: { $0.isWhitespace || $0 == "*" }).joined(separator: " ")
        return text.count < 8 ? nil : String(text.prefix(200))
    }

    /// `dd_get_item_size` / `ddGetItemSize` → `dd get item size`.
    static func humanize(_ name: String) -> String {
        var out = ""
        var prevLower = false
        for ch in name {
            if ch == "_" || ch == ":" { if out.last != " " { out.append(" ") }; prevLower = false; continue }
            if ch.isUppercase && prevLower { out.append(" ") }
            out.append(Character(ch.lowercased()))
            prevLower = ch.isLowercase || ch.isNumber
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

/// What a record's implicit prompts ask the model to write.
public enum PromptStyle: String, Codable, Sendable, CaseIterable {
    /// Rebuild the project function the pair came from (its signature, file and project).
    case project
    /// Short self-contained tasks (one function or a small program, under about 60 lines) that exercise
    /// the pair's pattern in a new setting: what a 0.5B model can answer whole in one reply, so its
    /// rollouts reach the risky part of the code.
    case shortTask = "short-task"
    /// Short self-contained tasks of the pair's flaw family from `Resources/pattern-tasks.json`
    /// (``PatternTasks``): deterministic, no teacher, written to lead the model to the risky operation.
    case pattern
}

extension ImplicitPrompts {
    /// Styles of short tasks, alternating: one function, then a small program with `main`.
    public static func shortTaskStyles(count: Int) -> [String] {
        (0..<max(1, count)).map { $0 % 2 == 0 ? "short-function" : "short-program" }
    }

    /// Offline short tasks (no teacher), from the secure code's signature and leading comment: the same
    /// function, asked for as a self-contained unit with its types stated and no project context, worded
    /// by `templates` (several phrasings and closing lines, picked by the pair's id). Deterministic.
    /// Weaker than the teacher's (same pattern, same setting), but never empty.
    public static func offlineShortTasks(pair: VulnerabilityPair, code: String, filter: LeakageFilter,
                                         templates: ShortTaskTemplates = .bundled) -> [ImplicitPrompt] {
        let f = FunctionFacts(pair: pair, code: code, filter: filter)
        let lang = pair.language == .cpp ? "C++" : "C"
        return ["short-function", "short-program"].enumerated().map { i, style in
            ImplicitPrompt(style: style, text: templates.render(style: style, index: i, id: pair.id, lang: lang, name: f.name,
                                                                purpose: f.purpose, params: f.paramText, returnType: f.returns),
                           origin: "offline")
        }
    }
}

/// What both offline prompt styles say about the secure function: its signature, name, return type,
/// parameters and leading comment (dropped when it would leak the flaw).
struct FunctionFacts {
    var signature: String
    var name: String
    var words: String
    var returns: String
    var paramText: String
    var comment: String?
    /// The comment, else the name in words.
    var purpose: String { comment ?? words }

    init(pair: VulnerabilityPair, code: String, filter: LeakageFilter) {
        signature = ImplicitPrompts.signature(of: code)
        name = pair.functionName ?? ImplicitPrompts.functionName(in: signature) ?? "the function"
        words = ImplicitPrompts.humanize(name)
        let (ret, params) = ImplicitPrompts.parts(of: signature, name: name)
        returns = ret
        paramText = params.isEmpty ? "no parameters" : params.joined(separator: ", ")
        comment = ImplicitPrompts.leadingComment(of: code)
        if let c = comment, !filter.leaks(in: c, cwes: pair.cwes).isEmpty { comment = nil }
    }
}
