// Reads the subset of SARIF 2.1.0 that flawfinder and clang emit into flat results.
import Foundation

/// One result of a tool's SARIF log, flattened.
struct SARIFResult {
    var ruleID: String
    /// The rule's `name` where the tool gives one (flawfinder's `buffer/strcpy`), else the id.
    var ruleName: String
    var message: String
    var level: String?
    var rank: Double?
    var uri: String
    var startLine: Int
    var startColumn: Int?
    var endLine: Int?
    var endColumn: Int?
    /// CWE ids from the rule's `relationships` (flawfinder) in order.
    var ruleCWEs: [String]
}

enum SARIFReader {
    /// Parses `data`; throws on non-JSON so the adapter can report the tool's garbage output.
    static func results(_ data: Data) throws -> [SARIFResult] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let runs = root["runs"] as? [[String: Any]] else { return [] }
        var out: [SARIFResult] = []
        for run in runs {
            let driver = (run["tool"] as? [String: Any])?["driver"] as? [String: Any]
            var ruleNames: [String: String] = [:]
            var ruleCWEs: [String: [String]] = [:]
            for rule in driver?["rules"] as? [[String: Any]] ?? [] {
                guard let id = rule["id"] as? String else { continue }
                ruleNames[id] = rule["name"] as? String
                ruleCWEs[id] = (rule["relationships"] as? [[String: Any]] ?? []).compactMap {
                    ($0["target"] as? [String: Any])?["id"] as? String
                }.filter { $0.hasPrefix("CWE-") }
            }
            for r in run["results"] as? [[String: Any]] ?? [] {
                let id = r["ruleId"] as? String ?? "unknown"
                let message = (r["message"] as? [String: Any])?["text"] as? String ?? ""
                guard let loc = (r["locations"] as? [[String: Any]])?.first,
                      let phys = loc["physicalLocation"] as? [String: Any],
                      let region = phys["region"] as? [String: Any],
                      let line = region["startLine"] as? Int else { continue }
                let uri = (phys["artifactLocation"] as? [String: Any])?["uri"] as? String ?? ""
                out.append(SARIFResult(ruleID: id, ruleName: ruleNames[id] ?? id, message: message,
                                       level: r["level"] as? String, rank: r["rank"] as? Double, uri: uri,
                                       startLine: line, startColumn: region["startColumn"] as? Int,
                                       endLine: region["endLine"] as? Int, endColumn: region["endColumn"] as? Int,
                                       ruleCWEs: ruleCWEs[id] ?? []))
            }
        }
        return out
    }
}
