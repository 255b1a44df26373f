// CWE label normalization: every dataset spells CWE ids its own way.

public enum CWE {
    /// Normalizes `787`, `cwe-787`, `CWE-787`, `CWE787` to `CWE-787`; keeps `NVD-CWE-Other` and
    /// `NVD-CWE-noinfo` verbatim; returns `nil` for empty or unrecognizable labels.
    public static func normalize(_ raw: String) -> String? {
        let s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.isEmpty { return nil }
        let lower = s.lowercased()
        if lower == "nvd-cwe-other" { return "NVD-CWE-Other" }
        if lower == "nvd-cwe-noinfo" { return "NVD-CWE-noinfo" }
        var digits = Substring(lower)
        if digits.hasPrefix("cwe") { digits = digits.dropFirst(3).drop { $0 == "-" || $0 == "_" || $0 == " " } }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int(digits) else { return nil }
        return "CWE-\(n)"
    }

    /// Normalizes a list field that may be a JSON array or a delimited string (`"CWE-79, CWE-89"`).
    public static func normalizeList(_ raws: [String]) -> [String] {
        var out: [String] = []
        for raw in raws {
            for part in raw.split(whereSeparator: { ",;|".contains($0) }) {
                if let n = normalize(String(part)), !out.contains(n) { out.append(n) }
            }
        }
        return out
    }
}

import Foundation
