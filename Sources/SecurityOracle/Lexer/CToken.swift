// One lexical token of C/C++ source, with its byte range and line:column, plus lexer diagnostics.

/// The coarse token classes the checkers need; keywords are identifiers (checkers compare text).
public enum CTokenKind: UInt8, Sendable {
    case identifier, number, string, char, punct, comment, preprocessor
    /// A byte that starts no token (stray `@`, `$`, control bytes, invalid UTF-8 outside literals).
    case unknown
}

/// A token: `[start, end)` byte offsets into the lexed buffer, and the 1-based line and column of `start`.
///
/// Stored as `Int32` so a 10 MB file's token array stays compact; inputs beyond 2 GiB are rejected earlier.
public struct CToken: Sendable, Hashable {
    public var kind: CTokenKind
    /// `true` when the literal or comment ran to end of input (or end of line for strings) without closing.
    public var unterminated: Bool
    public var start: Int32
    public var end: Int32
    public var line: Int32
    public var column: Int32

    public init(kind: CTokenKind, unterminated: Bool = false, start: Int32, end: Int32, line: Int32, column: Int32) {
        self.kind = kind
        self.unterminated = unterminated
        self.start = start
        self.end = end
        self.line = line
        self.column = column
    }

    /// Comments and preprocessor lines carry no code the checkers read.
    public var isSignificant: Bool { kind != .comment && kind != .preprocessor }
}

/// Why the oracle could not fully analyze (part of) an input. Never fatal: analysis continues where it can.
public struct OracleDiagnostic: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case unterminatedComment = "unterminated-comment"
        case unterminatedString = "unterminated-string"
        case invalidUTF8 = "invalid-utf8"
        case binaryInput = "binary-input"
        case inputTooLarge = "input-too-large"
        case nestingTooDeep = "nesting-too-deep"
        case unbalancedBrackets = "unbalanced-brackets"
        case timeBudgetExceeded = "time-budget-exceeded"
        case noFunctions = "no-functions"
        case rulesUnavailable = "rules-unavailable"
    }
    public var kind: Kind
    public var message: String
    /// Where the problem starts, when it has a place.
    public var position: SourcePosition?

    public init(kind: Kind, message: String, position: SourcePosition? = nil) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    /// `name:line:col: kind: message`, the form printed by the CLI.
    public func formatted(unit name: String) -> String {
        let at = position.map { "\($0.line):\($0.column)" } ?? "1:1"
        return "\(name):\(at): \(kind.rawValue): \(message)"
    }
}
