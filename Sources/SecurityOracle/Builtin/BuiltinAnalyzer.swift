// The built-in analyzer: lex, structure, run every table-driven rule on every function, return findings.
import Foundation

/// Findings plus what kept the analyzer from seeing everything.
public struct BuiltinResult: Sendable {
    public var findings: [Finding]
    public var diagnostics: [OracleDiagnostic]
    /// Functions analyzed (for throughput figures).
    public var functionCount: Int
    /// Safe idioms recognized (bounded copies, null and bounds checks, …), sorted by start offset. Never findings:
    /// a reward composer may credit them; nothing counts them toward "vulnerable".
    public var idioms: [SecureIdiom] = []
}

/// The oracle's own analyzer: offline, in-process, fast enough for the reward loop.
///
/// Rules and API facts come from the module's JSON resources (``RuleSet/shared``). Every finding's span is the
/// offending call, statement or expression, never the whole function.
///
/// ```swift
/// let oracle = BuiltinAnalyzer()
/// for f in oracle.findings(in: "void f(char *s) { char b[8]; strcpy(b, s); }") {
///     print(f.ruleID, f.cwe, f.span.start.line, f.span.start.column) // unbounded-copy CWE-120 1 30
/// }
/// ```
public struct BuiltinAnalyzer: Analyzer {
    public struct Options: Sendable {
        /// Inputs larger than this are refused with an `input-too-large` diagnostic.
        public var maxBytes: Int = 8 << 20
        /// Wall-clock budget per unit; functions after it are skipped with `time-budget-exceeded`.
        public var timeBudget: Duration = .seconds(2)
        /// Functions with more tokens than this are skipped (a generated or minified monster, not a function).
        public var maxFunctionTokens: Int = 200_000
        /// Also report the secure idioms (``BuiltinResult/idioms``); off saves their scan when only findings matter.
        public var secureIdioms: Bool = true
        public init() {}
    }

    public let name = "builtin"
    public let options: Options
    let ruleSet: Result<RuleSet, Error>

    public init(ruleSet: RuleSet? = nil, options: Options = Options()) {
        self.ruleSet = ruleSet.map { .success($0) } ?? RuleSet.shared
        self.options = options
    }

    // MARK: - Entry points

    public func analyze(_ unit: SourceUnit) async throws -> [Finding] {
        _ = try ruleSet.get()
        return run(unit.text).findings
    }

    /// Findings for a source text; the fast synchronous path the reward composer calls.
    public func findings(in text: String) -> [Finding] { run(text).findings }

    /// Findings and diagnostics for a source text.
    public func run(_ text: String) -> BuiltinResult {
        var t = text
        return t.withUTF8 { run(bytes: Array($0)) }
    }

    /// Findings and diagnostics for raw file bytes (may be invalid UTF-8 or binary).
    public func run(bytes: [UInt8]) -> BuiltinResult {
        var diags: [OracleDiagnostic] = []
        let rules: RuleSet
        switch ruleSet {
        case .success(let r): rules = r
        case .failure(let e):
            return BuiltinResult(findings: [], diagnostics: [OracleDiagnostic(kind: .rulesUnavailable, message: "\(e)")], functionCount: 0)
        }
        if bytes.count > options.maxBytes {
            return BuiltinResult(findings: [], diagnostics: [OracleDiagnostic(kind: .inputTooLarge,
                message: "\(bytes.count) bytes exceeds the \(options.maxBytes)-byte limit; not analyzed")], functionCount: 0)
        }
        if let why = BuiltinAnalyzer.binaryReason(bytes) {
            return BuiltinResult(findings: [], diagnostics: [OracleDiagnostic(kind: .binaryInput, message: why)], functionCount: 0)
        }
        if let bad = BuiltinAnalyzer.firstInvalidUTF8(bytes) {
            diags.append(OracleDiagnostic(kind: .invalidUTF8, message: "invalid UTF-8 at byte \(bad); analyzed as bytes",
                                          position: SourcePosition(line: 1 + bytes[..<bad].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }, column: 1, offset: bad)))
        }
        let src = CSource(bytes: bytes)
        diags += src.diagnostics
        if src.functions.first?.bodyOpen == -1 {
            diags.append(OracleDiagnostic(kind: .noFunctions, message: "no function definitions found; analyzed as top-level statements"))
        }
        let clock = ContinuousClock()
        let start = clock.now
        var findings: [Finding] = []
        var idioms: [SecureIdiom] = []
        var seen = Set<String>()
        var analyzed = 0
        for fn in src.functions {
            if clock.now - start > options.timeBudget {
                diags.append(OracleDiagnostic(kind: .timeBudgetExceeded,
                    message: "stopped after \(analyzed) of \(src.functions.count) functions (budget \(options.timeBudget))",
                    position: SourcePosition(line: Int(src.sig[fn.nameToken].line), column: Int(src.sig[fn.nameToken].column), offset: Int(src.sig[fn.nameToken].start))))
                break
            }
            if fn.bodyClose - fn.bodyOpen > options.maxFunctionTokens { continue }
            analyzed += 1
            let scope = FunctionScope(src: src, fn: fn, rules: rules)
            if options.secureIdioms { idioms += scope.secureIdioms() }
            for rule in rules.rules {
                guard let checker = BuiltinChecker(rawValue: rule.checker) else { continue }
                for hit in scope.run(rule, checker) {
                    let dedup = "\(rule.id)@\(hit.span.start.offset)-\(hit.span.end.offset)"
                    guard seen.insert(dedup).inserted else { continue }
                    findings.append(Finding(ruleID: "builtin.\(rule.id)", cwe: rule.cwe, severity: rule.severity,
                                            confidence: hit.confidence ?? rule.confidence,
                                            message: hit.detail.map { "\(rule.message) (\($0))" } ?? rule.message,
                                            span: hit.span, tool: name))
                }
            }
        }
        findings.sort { ($0.span.start.offset, $0.ruleID) < ($1.span.start.offset, $1.ruleID) }
        idioms.sort { ($0.span.start.offset, $0.kind.rawValue) < ($1.span.start.offset, $1.kind.rawValue) }
        return BuiltinResult(findings: findings, diagnostics: diags, functionCount: analyzed, idioms: idioms)
    }

    // MARK: - Input screening

    /// A reason when the bytes look like a binary file: NUL bytes or mostly control bytes in the first 64 KiB.
    static func binaryReason(_ b: [UInt8]) -> String? {
        let head = b.prefix(65536)
        var control = 0
        for (i, c) in head.enumerated() {
            if c == 0 { return "NUL byte at offset \(i): binary input, not analyzed" }
            if c < 0x09 || (c > 0x0D && c < 0x20) { control += 1 }
        }
        return head.count > 64 && control * 10 > head.count ? "\(control) control bytes in the first \(head.count): binary input, not analyzed" : nil
    }

    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0
            if len == 0 || i + len > n { return i }
            for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return i }
            i += len
        }
        return nil
    }
}
