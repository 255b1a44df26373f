// What an import did: counts of rows read, imported, deduplicated and rejected, by reason and CWE.

/// The summary `data import` prints and writes next to its output.
public struct ImportSummary: Codable, Sendable, Equatable {
    public var files = 0
    public var rows = 0
    public var imported = 0
    public var duplicates = 0
    public var excludedCommits = 0
    public var rejected: [String: Int] = [:]
    public var perCWE: [String: Int] = [:]
    public var perSource: [String: Int] = [:]
    /// SVEN/SafeCoder rows whose `char_changes` we checked, and how many our spans reproduced exactly.
    public var charChangesChecked = 0
    public var charChangesMatched = 0

    public init() {}

    public var rejectedTotal: Int { rejected.values.reduce(0, +) }

    mutating func reject(_ kind: RejectKind) { rejected[kind.rawValue, default: 0] += 1 }

    mutating func record(_ p: VulnerabilityPair) {
        imported += 1
        perSource[p.source, default: 0] += 1
        for c in p.cwes.isEmpty ? ["(none)"] : p.cwes { perCWE[c, default: 0] += 1 }
        if let m = p.metadata["char_changes_match"] {
            charChangesChecked += 1
            if m == "true" { charChangesMatched += 1 }
        }
    }

    /// Human-readable report, per-CWE counts sorted by frequency.
    public func render() -> String {
        var s = "files: \(files)  rows: \(rows)  imported: \(imported)  duplicates: \(duplicates)"
        s += "  excluded (commit list): \(excludedCommits)  rejected: \(rejectedTotal)\n"
        for (k, v) in rejected.sorted(by: { $0.key < $1.key }) { s += "  rejected \(k): \(v)\n" }
        for (k, v) in perSource.sorted(by: { $0.key < $1.key }) { s += "  source \(k): \(v)\n" }
        if charChangesChecked > 0 {
            let pct = Double(charChangesMatched) / Double(charChangesChecked) * 100
            s += "  char_changes reproduced: \(charChangesMatched)/\(charChangesChecked) (\(String(format: "%.1f", pct))%)\n"
        }
        s += "per CWE:\n"
        for (k, v) in perCWE.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) { s += "  \(k): \(v)\n" }
        return s
    }
}

import Foundation
