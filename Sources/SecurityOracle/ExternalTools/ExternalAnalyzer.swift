// What the five external-tool adapters share: availability, bounds, a temp dir per run, and normalization.
import Foundation

/// An ``Analyzer`` backed by a program that may be absent. Adapters throw ``ExternalToolError`` on tool
/// failure (the ensemble turns it into a diagnostic); they never crash and never run unbounded.
public protocol ExternalAnalyzer: Analyzer {
    /// `nil` when the tool is not installed; then `analyze` throws instead of running.
    var executable: String? { get }
    /// Seconds one run of the tool may take before it is killed.
    var timeout: Double { get }
}

extension ExternalAnalyzer {
    public var isAvailable: Bool { executable != nil }

    /// The executable, or a clear error naming the missing tool.
    func requireExecutable(for unit: SourceUnit) throws -> String {
        guard let e = executable else { throw ExternalToolError(tool: name, unit: unit.name, reason: "not installed (not on PATH)") }
        return e
    }

    /// Runs `body` with a fresh temp dir holding the unit's text as `unit.c`/`unit.cc`, removed afterwards.
    func withUnitFile<T>(_ text: String, cplusplus: Bool, _ body: (URL, String) async throws -> T) async throws -> T {
        let dir = try ToolProcess.makeTempDir(prefix: name)
        defer { ToolProcess.removeTempDir(dir) }
        let file = cplusplus ? "unit.cc" : "unit.c"
        try Data(text.utf8).write(to: dir.appendingPathComponent(file))
        return try await body(dir, file)
    }

    /// What the compiler-based tools (clang, gcc) analyze: the unit, with C vs C++ settled (dataset labels
    /// say C for many C++ methods; `::` settles it), wrapped in the stub prelude. A unit that still does not
    /// parse is an error, not an empty (clean-looking) result.
    func compilerUnit(_ unit: SourceUnit, prelude: StubPrelude) async throws -> (unit: SourceUnit, wrapped: WrappedUnit) {
        var unit = unit
        if !unit.isCPlusPlus && unit.text.contains("::") { unit.isCPlusPlus = true }
        let wrapped = await prelude.wrap(unit)
        if let first = wrapped.remainingErrors.first {
            throw ExternalToolError(tool: name, unit: unit.name, reason: "does not parse with the stub prelude: \(first)")
        }
        return (unit, wrapped)
    }

    /// A ``Finding`` for one raw tool result, or `nil` when the table says it is not a security finding.
    func normalized(ruleID: String, message: String, nativeCWE: String?, nativeSeverity: String?,
                    span: SourceSpan, severityOverride: Severity? = nil) -> Finding? {
        guard let r = ToolCWEMap.shared.resolve(tool: name, ruleID: ruleID, message: message,
                                               nativeCWE: nativeCWE, nativeSeverity: nativeSeverity) else { return nil }
        return Finding(ruleID: "\(name).\(ruleID)", cwe: r.cwe, severity: severityOverride ?? r.severity,
                       confidence: r.confidence, message: message, span: span, tool: name)
    }
}

/// An analyzer that is much cheaper per unit when given many units at once (semgrep starts a Python
/// interpreter and parses its rules on each run).
public protocol BatchAnalyzer: Analyzer {
    /// Findings per unit, in the order of `units`.
    func analyzeBatch(_ units: [SourceUnit]) async throws -> [[Finding]]
}
