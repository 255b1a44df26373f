// The one result type every analyzer (built-in or external) produces, and every reward and metric reads.

/// How bad a finding is. Ordered: `low < medium < high`.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    var rank: Int { switch self { case .low: 0; case .medium: 1; case .high: 2 } }
}

/// How sure the rule is that the finding is real. Ordered: `low < medium < high`.
public enum Confidence: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high
    public static func < (a: Confidence, b: Confidence) -> Bool { a.rank < b.rank }
    var rank: Int { switch self { case .low: 0; case .medium: 1; case .high: 2 } }
}

/// A point in a source text: 1-based line and column (column counts UTF-8 bytes), and a 0-based byte offset.
public struct SourcePosition: Codable, Sendable, Hashable {
    public var line: Int
    public var column: Int
    public var offset: Int
    public init(line: Int, column: Int, offset: Int) { self.line = line; self.column = column; self.offset = offset }
}

/// A half-open byte range `[start.offset, end.offset)` in the analyzed text, with line:column for both ends.
public struct SourceSpan: Codable, Sendable, Hashable {
    public var start: SourcePosition
    public var end: SourcePosition
    public init(start: SourcePosition, end: SourcePosition) { self.start = start; self.end = end }
    public func overlaps(_ other: SourceSpan) -> Bool { start.offset < other.end.offset && other.start.offset < end.offset }
}

/// One vulnerability finding, normalized across tools.
///
/// The span covers exactly the offending expression or statement: SRCode maps it to the tokens
/// that receive a penalty, so a whole-function span would be useless.
public struct Finding: Codable, Sendable, Hashable {
    /// Rule id, e.g. `builtin.strcpy-unbounded` or `cppcheck.bufferAccessOutOfBounds`.
    public var ruleID: String
    /// Normalized `CWE-<n>`.
    public var cwe: String
    public var severity: Severity
    public var confidence: Confidence
    public var message: String
    public var span: SourceSpan
    /// Which analyzer produced it: `builtin`, `cppcheck`, `flawfinder`, `clang`, `gcc`, `semgrep`.
    public var tool: String

    public init(ruleID: String, cwe: String, severity: Severity, confidence: Confidence,
                message: String, span: SourceSpan, tool: String) {
        self.ruleID = ruleID
        self.cwe = cwe
        self.severity = severity
        self.confidence = confidence
        self.message = message
        self.span = span
        self.tool = tool
    }

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id", cwe, severity, confidence, message, span, tool
    }
}
