// A span where the code does the secure thing: kept apart from findings so rewards can credit it.

/// A safe idiom the built-in analyzer recognizes: the positive counterpart of a finding.
///
/// The paper rewards secure tokens; without a PrimeVul+ record to supply secure fragments, these spans are what a
/// reward composer can credit on any prompt. They are never findings: they do not count toward "vulnerable", they
/// travel in their own array (``BuiltinResult/idioms``) and SARIF writes them as `kind: "pass"` results.
///
/// ```swift
/// for i in BuiltinAnalyzer().run("void f(char *s) { char b[8]; snprintf(b, sizeof b, \"%s\", s); }").idioms {
///     print(i.kind, i.cwe, i.span.start.column)   // boundedCopy CWE-120 30, literalFormat CWE-134 52
/// }
/// ```
public struct SecureIdiom: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A copy, read or format bounded by the destination's size (`snprintf(b, sizeof b, …)`, `fgets(b, sizeof b, f)`).
        case boundedCopy = "bounded-copy"
        /// A test of the operands before a multiplied allocation, or an allocator that checks the product (calloc).
        case overflowCheck = "overflow-check"
        /// A test of an allocation's (or fopen's) result before its use.
        case nullCheck = "null-check"
        /// A comparison of an index, or of a copy length, that precedes the access it guards.
        case boundsCheck = "bounds-check"
        /// A literal format string with the data passed as arguments (`printf("%s", s)`).
        case literalFormat = "literal-format"
    }
    public var kind: Kind
    /// The weakness the idiom prevents, `CWE-<n>`.
    public var cwe: String
    public var span: SourceSpan
    public var tool: String

    public init(kind: Kind, cwe: String, span: SourceSpan, tool: String = "builtin") {
        self.kind = kind
        self.cwe = cwe
        self.span = span
        self.tool = tool
    }
}
