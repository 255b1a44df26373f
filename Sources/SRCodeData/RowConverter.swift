// Turns one decoded dataset row into a `VulnerabilityPair`, per layout, or says why it can't.
import Foundation

/// Limits and options that apply to every row.
public struct RowLimits: Sendable {
    /// Functions over this many UTF-8 bytes are skipped (they blow up diffs, analyzers and contexts).
    public var maxFunctionBytes: Int = 256 * 1024
    public init(maxFunctionBytes: Int = 256 * 1024) { self.maxFunctionBytes = maxFunctionBytes }
}

/// Row-to-record conversion for the layouts that carry both sides on one row.
public struct RowConverter: Sendable {
    public var limits: RowLimits
    /// Source label override (`safecoder` vs `sven` is decided per row when `nil`).
    public var sourceName: String?

    public init(limits: RowLimits = RowLimits(), sourceName: String? = nil) {
        self.limits = limits
        self.sourceName = sourceName
    }

    /// The reason a row is rejected, without the file:line prefix (the importer adds it).
    public struct Rejection: Error, Equatable {
        public var kind: RejectKind
        public var reason: String
        public init(_ kind: RejectKind, _ reason: String) { self.kind = kind; self.reason = reason }
    }

    // MARK: - Layouts

    public func convert(_ row: [String: Any], format: RowFormat) throws(Rejection) -> VulnerabilityPair {
        switch format {
        case .sven: try sven(row)
        case .pairPerLine: try pairPerLine(row)
        case .cvefixes: try cvefixes(row)
        case .primevulRow: throw Rejection(.unrecognized, "PrimeVul single rows must be paired first")
        }
    }

    func sven(_ row: [String: Any]) throws(Rejection) -> VulnerabilityPair {
        let before = try code(row, "func_src_before"), after = try code(row, "func_src_after")
        let link = Self.string(row["commit_link"])
        let (project, commit) = Self.parseCommitLink(link)
        let file = Self.string(row["file_name"])
        let source = sourceName ?? (row["parent_commit"] != nil || row["description"] != nil ? "safecoder" : "sven")
        var pair = try make(source: source, nativeID: nil, project: project, commit: commit, cve: nil,
                            cwes: CWE.normalizeList([Self.string(row["vul_type"]) ?? ""]),
                            language: file.flatMap(Language.init(fileName:)) ?? .other,
                            functionName: Self.string(row["func_name"]), fileName: file,
                            vulnerable: before, fixed: after, row: row,
                            consumed: ["func_src_before", "func_src_after", "commit_link", "file_name", "vul_type",
                                       "func_name", "line_changes", "char_changes"],
                            style: source == "sven" ? .minimal : .semantic)
        if let cc = row["char_changes"] as? [String: Any] {
            pair.metadata["char_changes_match"] = Self.matches(cc, pair.diff) ? "true" : "false"
        }
        return pair
    }

    func pairPerLine(_ row: [String: Any]) throws(Rejection) -> VulnerabilityPair {
        let before = try code(row, "func_before"), after = try code(row, "func_after")
        let file = Self.string(row["file_name"])
        let lang = Self.string(row["lang"]).map(Language.init(label:)) ?? file.flatMap(Language.init(fileName:)) ?? .c
        // Prefer `owner/repo` from the commit URL, the spelling SVEN and CVEfixes use.
        let project = Self.parseCommitLink(Self.string(row["commit_url"])).0 ?? Self.string(row["project"])
        return try make(source: sourceName ?? "primevul-sample", nativeID: Self.string(row["pair_id"]),
                        project: project, commit: Self.string(row["commit_id"]),
                        cve: Self.string(row["cve"]), cwes: CWE.normalizeList(Self.strings(row["cwe"])),
                        language: lang, functionName: Self.string(row["func_name"]), fileName: file,
                        vulnerable: before, fixed: after, row: row,
                        consumed: ["func_before", "func_after", "pair_id", "project", "commit_id", "cve", "cwe",
                                   "lang", "file_name", "func_name"])
    }

    func cvefixes(_ row: [String: Any]) throws(Rejection) -> VulnerabilityPair {
        let before = try code(row, "code_before"), after = try code(row, "code_after")
        let repo = Self.string(row["repo_url"])
        let project = repo.map { $0.replacingOccurrences(of: "https://github.com/", with: "") }
        let file = Self.string(row["filename"]) ?? Self.string(row["file_name"])
        let lang = Self.string(row["programming_language"]).map(Language.init(label:))
            ?? file.flatMap(Language.init(fileName:)) ?? .other
        return try make(source: sourceName ?? "cvefixes", nativeID: nil, project: project,
                        commit: Self.string(row["hash"]), cve: Self.string(row["cve_id"]),
                        cwes: CWE.normalizeList(Self.strings(row["cwe_id"])), language: lang,
                        functionName: Self.string(row["name"]) ?? Self.string(row["func_name"]), fileName: file,
                        vulnerable: before, fixed: after, row: row,
                        consumed: ["code_before", "code_after", "repo_url", "filename", "file_name", "programming_language",
                                   "hash", "cve_id", "cwe_id", "name", "func_name"])
    }

    // MARK: - Shared construction

    /// Builds the record: validates sizes, computes the diff and hash, and keeps the rest as metadata.
    func make(source: String, nativeID: String?, project: String?, commit: String?, cve: String?, cwes: [String],
              language: Language, functionName: String?, fileName: String?, vulnerable: String, fixed: String,
              row: [String: Any], consumed: Set<String>, style: TextDiff.Style = .semantic) throws(Rejection) -> VulnerabilityPair {
        if vulnerable == fixed { throw Rejection(.identical, "vulnerable and fixed code are identical") }
        let hash = StableHash.pairHash(vulnerable: vulnerable, fixed: fixed)
        var metadata: [String: String] = [:]
        for (k, v) in row where !consumed.contains(k) {
            if let s = Self.string(v) { metadata[k] = s }
        }
        let id = "\(source):" + (nativeID ?? String(hash.prefix(16)))
        return VulnerabilityPair(
            id: id, source: source, project: project, commit: commit, cve: cve, cwes: cwes, language: language,
            functionName: functionName, fileName: fileName, vulnerableCode: vulnerable, fixedCode: fixed,
            diff: TextDiff.codeDiff(vulnerable: vulnerable, fixed: fixed, style: style), metadata: metadata, codeHash: hash)
    }

    /// A required code field: present, a string, non-empty, and within the size limit.
    func code(_ row: [String: Any], _ field: String) throws(Rejection) -> String {
        guard let v = row[field], !(v is NSNull) else { throw Rejection(.missingField, "missing field '\(field)'") }
        guard let s = v as? String else { throw Rejection(.missingField, "field '\(field)' is not a string") }
        if s.allSatisfy(\.isWhitespace) { throw Rejection(.emptyFunction, "empty function in '\(field)'") }
        let n = s.utf8.count
        if n > limits.maxFunctionBytes {
            throw Rejection(.tooLarge, "function in '\(field)' exceeds the size limit (\(n) > \(limits.maxFunctionBytes) bytes)")
        }
        return s
    }

    // MARK: - Field helpers

    /// A scalar field as a string; arrays/objects are serialized as JSON; null and absent give `nil`.
    static func string(_ v: Any?) -> String? {
        switch v {
        case nil, is NSNull: return nil
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        case let other?:
            guard JSONSerialization.isValidJSONObject(other),
                  let d = try? JSONSerialization.data(withJSONObject: other, options: [.sortedKeys]) else { return nil }
            return String(decoding: d, as: UTF8.self)
        }
    }

    /// A field that may be a list or a scalar (`["CWE-79"]`, `"CWE-79"`, `79`, `"['CWE-79']"`).
    static func strings(_ v: Any?) -> [String] {
        if let a = v as? [Any] { return a.compactMap { string($0) } }
        guard let s = string(v) else { return [] }
        return [s.trimmingCharacters(in: CharacterSet(charactersIn: "[]'\" "))
            .replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "\"", with: "")]
    }

    /// `github.com/owner/repo/commit/sha` → (`owner/repo`, `sha`).
    static func parseCommitLink(_ link: String?) -> (String?, String?) {
        guard let link else { return (nil, nil) }
        let parts = link.replacingOccurrences(of: "https://", with: "").split(separator: "/").map(String.init)
        guard let c = parts.firstIndex(of: "commit"), c >= 2, c + 1 < parts.count else { return (nil, nil) }
        return (parts[(c - 2)..<c].joined(separator: "/"), parts[c + 1])
    }

    /// Whether SVEN's own `char_changes` equal our computed spans (the reproduction check).
    static func matches(_ cc: [String: Any], _ diff: CodeDiff) -> Bool {
        func spans(_ key: String) -> [CharSpan]? {
            guard let list = cc[key] as? [[String: Any]] else { return nil }
            var out: [CharSpan] = []
            for e in list {
                guard let s = (e["char_start"] as? NSNumber)?.intValue, let t = (e["char_end"] as? NSNumber)?.intValue else { return nil }
                out.append(CharSpan(start: s, end: t))
            }
            return out
        }
        return spans("deleted") == diff.deletedSpans && spans("added") == diff.addedSpans
    }
}
