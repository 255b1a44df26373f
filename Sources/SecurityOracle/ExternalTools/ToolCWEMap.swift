// Loads the tool-rule → CWE table (Resources/external/tool-cwe-map.json): mapping is data, not code.
import Foundation

/// How one tool's rule ids map to CWEs, severities and confidences, and which CWEs form a family
/// (the unit of cross-tool de-duplication).
public struct ToolCWEMap: Sendable, Decodable {
    public struct Rule: Sendable, Decodable {
        /// Exact rule id, or a prefix when it ends in `*`.
        public var rule: String
        /// A substring the message must contain (for tools whose one rule covers several bugs).
        public var contains: String?
        public var cwe: String
        public var severity: Severity?
    }

    public struct Tool: Sendable, Decodable {
        public var defaultConfidence: Confidence?
        public var defaultSeverity: Severity?
        /// Tool-native severity names (`error`, `ERROR`) → ours.
        public var severity: [String: Severity]?
        public var rules: [Rule]
    }

    public var families: [String: [String]]
    public var tools: [String: Tool]

    /// The shared table, loaded once from the module bundle.
    public static let shared: ToolCWEMap = {
        guard let dir = externalResourceDirectory,
              let data = try? Data(contentsOf: dir.appendingPathComponent("tool-cwe-map.json")),
              let map = try? JSONDecoder().decode(ToolCWEMap.self, from: data) else {
            return ToolCWEMap(families: [:], tools: [:])
        }
        return map
    }()

    /// CWE → family, precomputed because it is consulted for every raw finding.
    private let familyIndex: [String: String]

    enum CodingKeys: String, CodingKey { case families, tools }

    init(families: [String: [String]], tools: [String: Tool]) {
        self.families = families
        self.tools = tools
        var index: [String: String] = [:]
        for (f, cwes) in families { for c in cwes { index[c] = f } }
        familyIndex = index
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(families: try c.decode([String: [String]].self, forKey: .families),
                  tools: try c.decode([String: Tool].self, forKey: .tools))
    }

    // MARK: - Lookup

    /// The rule entry for `ruleID` with `message`, first match wins.
    public func rule(tool: String, ruleID: String, message: String) -> Rule? {
        guard let t = tools[tool] else { return nil }
        let lowerMessage = message.lowercased()
        for r in t.rules {
            let idMatch = r.rule.hasSuffix("*") ? ruleID.hasPrefix(String(r.rule.dropLast())) : ruleID == r.rule
            guard idMatch else { continue }
            if let c = r.contains, !lowerMessage.contains(c.lowercased()) { continue }
            return r
        }
        return nil
    }

    /// The family of a CWE (`buffer`, `lifetime`, …), or `nil` for CWEs that are not security findings.
    public func family(of cwe: String) -> String? { familyIndex[cwe] }

    /// Resolves CWE, severity and confidence for one raw tool result; `nil` when it is not a security finding.
    public func resolve(tool: String, ruleID: String, message: String, nativeCWE: String?,
                        nativeSeverity: String?) -> (cwe: String, severity: Severity, confidence: Confidence)? {
        let entry = rule(tool: tool, ruleID: ruleID, message: message)
        guard let cwe = entry?.cwe ?? nativeCWE.flatMap(normalizeCWE) ?? cweInText(message),
              family(of: cwe) != nil else { return nil }
        let t = tools[tool]
        let severity = entry?.severity ?? nativeSeverity.flatMap { t?.severity?[$0] } ?? t?.defaultSeverity ?? .medium
        return (cwe, severity, t?.defaultConfidence ?? .medium)
    }

    func normalizeCWE(_ raw: String) -> String? {
        let s = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = s.hasPrefix("CWE") ? String(s.dropFirst(3).drop { $0 == "-" }) : s
        guard let n = Int(digits), n > 0 else { return nil }
        return "CWE-\(n)"
    }

    /// The first `CWE-<n>` in a message (clang appends one to some messages).
    func cweInText(_ text: String) -> String? {
        guard let r = text.range(of: #"CWE-[0-9]+"#, options: .regularExpression) else { return nil }
        return String(text[r])
    }
}

/// `Resources/external` in the module bundle: the mapping table, the semgrep pack and the stub prelude.
public var externalResourceDirectory: URL? {
    Bundle.module.url(forResource: "external", withExtension: nil)
}
