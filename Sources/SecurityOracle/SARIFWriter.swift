// Writes findings as a SARIF 2.1.0 log (one run per tool), the format code-scanning UIs and CI read.
import Foundation

/// Builds a SARIF 2.1.0 log that validates against the OASIS schema (checked in the test suite).
///
/// One run per tool keeps each tool's rules in its own `driver`. Every rule carries its CWE in
/// `properties.tags` (`external/cwe/cwe-120`, the GitHub convention) and `properties.cwe`. Regions give
/// `startLine`/`startColumn`/`endLine`/`endColumn` (columns in UTF-16 code units, SARIF's default
/// `columnKind`) **and** `byteOffset`/`byteLength`, the exact span the rewards use.
///
/// ```swift
/// let data = try SARIFWriter().write([(unit, findings)])
/// ```
public struct SARIFWriter: Sendable {
    public var toolVersion: String

    public init(toolVersion: String = "0.1.0") { self.toolVersion = toolVersion }

    /// One analyzed unit: its artifact URI, its text (for UTF-16 columns; `nil` uses byte columns), findings.
    public struct Entry: Sendable {
        public var uri: String
        public var text: String?
        public var findings: [EnsembleFinding]
        /// Secure idioms recognized in the unit: written as `kind: "pass"` results, apart from the findings.
        public var idioms: [SecureIdiom]
        public init(uri: String, text: String?, findings: [EnsembleFinding], idioms: [SecureIdiom] = []) {
            self.uri = uri; self.text = text; self.findings = findings; self.idioms = idioms
        }
    }

    /// The log as pretty-printed JSON bytes.
    public func write(_ entries: [Entry]) throws -> Data {
        var byTool: [String: [(Entry, EnsembleFinding)]] = [:]
        var idiomsByTool: [String: [(Entry, SecureIdiom)]] = [:]
        for e in entries { for f in e.findings { byTool[f.finding.tool, default: []].append((e, f)) } }
        for e in entries { for i in e.idioms { idiomsByTool[i.tool, default: []].append((e, i)) } }
        let runs: [[String: Any]] = Set(byTool.keys).union(idiomsByTool.keys).sorted().map { tool in
            run(tool: tool, results: byTool[tool] ?? [], idioms: idiomsByTool[tool] ?? [])
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": runs.isEmpty ? [emptyRun()] : runs,
        ]
        return try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys])
    }

    // MARK: - Runs

    private func emptyRun() -> [String: Any] {
        ["tool": ["driver": driver(name: "srcode", rules: [])], "results": [Any]()]
    }

    private func driver(name: String, rules: [[String: Any]]) -> [String: Any] {
        ["name": name, "version": toolVersion, "informationUri": "https://arxiv.org/abs/2602.23407", "rules": rules]
    }

    private func run(tool: String, results: [(Entry, EnsembleFinding)], idioms: [(Entry, SecureIdiom)]) -> [String: Any] {
        var ruleIndex: [String: Int] = [:]
        var rules: [[String: Any]] = []
        var out: [[String: Any]] = []
        var lineIndexes: [String: SourceText] = [:]
        for (entry, ef) in results {
            let f = ef.finding
            if ruleIndex[f.ruleID] == nil {
                ruleIndex[f.ruleID] = rules.count
                let n = f.cwe.split(separator: "-").last.map(String.init) ?? ""
                rules.append([
                    "id": f.ruleID,
                    "shortDescription": ["text": f.message.isEmpty ? f.ruleID : f.message],
                    "defaultConfiguration": ["level": level(f.severity)],
                    "properties": ["tags": ["security", "external/cwe/cwe-\(n)"], "cwe": f.cwe],
                ])
            }
            let region = self.region(f.span, entry, &lineIndexes)
            out.append([
                "ruleId": f.ruleID,
                "ruleIndex": ruleIndex[f.ruleID]!,
                "level": level(f.severity),
                "message": ["text": "[\(f.cwe)] \(f.message)"],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": entry.uri], "region": region]]],
                "properties": ["cwe": f.cwe, "severity": f.severity.rawValue, "confidence": f.confidence.rawValue,
                               "tools": ef.tools],
            ])
        }
        // Secure idioms: `pass` results (SARIF's "the rule was checked and the code does the right thing"), level
        // `none`, rule ids `<tool>.idiom.<kind>`, so no consumer mistakes them for problems.
        for (entry, idiom) in idioms {
            let id = "\(idiom.tool).idiom.\(idiom.kind.rawValue)"
            if ruleIndex[id] == nil {
                ruleIndex[id] = rules.count
                let n = idiom.cwe.split(separator: "-").last.map(String.init) ?? ""
                rules.append([
                    "id": id,
                    "shortDescription": ["text": "secure idiom: \(idiom.kind.rawValue)"],
                    "defaultConfiguration": ["level": "none"],
                    "properties": ["tags": ["security", "secure-idiom", "external/cwe/cwe-\(n)"], "cwe": idiom.cwe],
                ])
            }
            out.append([
                "ruleId": id,
                "ruleIndex": ruleIndex[id]!,
                "kind": "pass",
                "level": "none",
                "message": ["text": "[\(idiom.cwe)] secure idiom: \(idiom.kind.rawValue)"],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": entry.uri], "region": region(idiom.span, entry, &lineIndexes)]]],
                "properties": ["cwe": idiom.cwe, "secureIdiom": idiom.kind.rawValue],
            ])
        }
        return ["tool": ["driver": driver(name: tool, rules: rules)], "columnKind": "utf16CodeUnits", "results": out]
    }

    private func region(_ span: SourceSpan, _ entry: Entry, _ lineIndexes: inout [String: SourceText]) -> [String: Any] {
        if lineIndexes[entry.uri] == nil, let t = entry.text { lineIndexes[entry.uri] = SourceText(t) }
        let source = lineIndexes[entry.uri]
        return [
            "startLine": span.start.line,
            "startColumn": column(span.start, source),
            "endLine": span.end.line,
            "endColumn": column(span.end, source),
            "byteOffset": span.start.offset,
            "byteLength": max(0, span.end.offset - span.start.offset),
        ]
    }

    private func level(_ s: Severity) -> String {
        switch s { case .high: "error"; case .medium: "warning"; case .low: "note" }
    }

    /// The 1-based UTF-16 column of `p` (byte column when the text is unknown or the line is not UTF-8).
    private func column(_ p: SourcePosition, _ source: SourceText?) -> Int {
        guard let source, p.line >= 1, p.line <= source.lineCount else { return max(1, p.column) }
        let start = source.lineStarts[p.line - 1]
        let end = min(p.offset, source.bytes.count)
        guard end >= start else { return max(1, p.column) }
        let prefix = String(decoding: source.bytes[start..<end], as: UTF8.self)
        return prefix.utf16.count + 1
    }

    // MARK: - URIs

    /// A SARIF `uri` for a unit name: file paths as-is (percent-encoded), JSONL units as `file.jsonl#<pair>/<side>`.
    public static func uri(for name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }
}
