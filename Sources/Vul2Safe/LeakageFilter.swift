// Rejects implicit prompts that leak the security framing: a vocabulary file plus the CWE's own terms.
import Foundation

/// Word-boundary, case-insensitive matching of `Resources/leakage-vocabulary.txt` and the record's
/// CWE terms from `Resources/cwe-terms.json`. A term ending in `*` is a stem.
public struct LeakageFilter: Sendable {
    public struct CWEInfo: Codable, Sendable { public var name: String; public var terms: [String] }

    public let vocabulary: [String]
    public let cweTerms: [String: CWEInfo]

    public init(vocabulary: [String]? = nil, cweTerms: [String: CWEInfo]? = nil) {
        self.vocabulary = vocabulary ?? Self.parseVocabulary(PromptLibrary.resourceText("leakage-vocabulary.txt") ?? "")
        self.cweTerms = cweTerms ?? (PromptLibrary.resourceText("cwe-terms.json").flatMap {
            try? JSONDecoder().decode([String: CWEInfo].self, from: Data($0.utf8))
        } ?? [:])
    }

    static func parseVocabulary(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let t = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            return t.isEmpty ? nil : t
        }
    }

    /// The CWE's display name (`Out-of-bounds Write`), or the id itself.
    public func name(of cwe: String) -> String { cweTerms[cwe]?.name ?? cwe }

    /// The terms of `text` that leak, empty when the prompt is clean.
    public func leaks(in text: String, cwes: [String]) -> [String] {
        var terms = vocabulary
        for c in cwes {
            terms.append(c.lowercased())
            if let info = cweTerms[c] { terms += info.terms.map { $0.lowercased() }; terms.append(info.name.lowercased()) }
        }
        let words = Self.words(text)
        let joined = " " + words.joined(separator: " ") + " "
        var hits: [String] = []
        for term in terms where !hits.contains(term) {
            let stem = term.hasSuffix("*")
            let core = Self.words(stem ? String(term.dropLast()) : term)
            guard !core.isEmpty else { continue }
            let needle = " " + core.joined(separator: " ") + (stem ? "" : " ")
            if joined.contains(needle) { hits.append(term) }
        }
        return hits
    }

    /// Lower-cased words: letters, digits and `-` `_` `.` `/` inside words (so `out-of-bounds` and
    /// `../` stay whole), everything else separates.
    static func words(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in s.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "_" || ch == "-" || ch == "." || ch == "/" { cur.append(ch) }
            else if !cur.isEmpty { out.append(cur); cur = "" }
        }
        if !cur.isEmpty { out.append(cur) }
        // Sentence punctuation glued to words ("fix." "buffer-") is not part of them.
        return out.map { w in String(w.drop(while: { $0 == "-" }).reversed().drop(while: { $0 == "." || $0 == "-" }).reversed()) }
            .filter { !$0.isEmpty }
    }
}
