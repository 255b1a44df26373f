// `srcode scan` as a library call: inputs → analyzers → merged findings → text/JSON/SARIF and an exit code.
import Foundation

/// Everything a scan produced, plus the exit code the CLI returns.
public struct ScanResult: Sendable {
    public var inputs: ScanInputs
    public var reports: [UnitReport]
    /// Tool-level problems (missing tools, unknown names).
    public var toolErrors: [String]
    public var minSeverity: Severity
    /// The built-in analyzer's secure idioms per unit name (empty when `builtin` was not among the tools).
    public var idioms: [String: [SecureIdiom]] = [:]

    /// Findings at or above ``minSeverity``, per unit.
    public func shown(_ r: UnitReport) -> [EnsembleFinding] { r.merged.filter { $0.finding.severity >= minSeverity } }

    /// 2 when an input or the tool selection was bad, else 1 when anything was found, else 0.
    public var exitCode: Int32 {
        if !inputs.errors.isEmpty || !toolErrors.isEmpty { return 2 }
        return reports.contains { !shown($0).isEmpty } ? 1 : 0
    }
}

/// Runs a scan. The CLI parses flags into this and prints ``ScanResult``.
public struct ScanRunner: Sendable {
    public var tools: [String]
    public var minSeverity: Severity
    public var concurrency: Int
    public var perUnitTimeout: Double
    public var maxFileBytes: Int

    public init(tools: [String] = AnalyzerRegistry.defaultToolNames, minSeverity: Severity = .low,
                concurrency: Int = 2, perUnitTimeout: Double = 60, maxFileBytes: Int = 10 << 20) {
        self.tools = tools
        self.minSeverity = minSeverity
        self.concurrency = concurrency
        self.perUnitTimeout = perUnitTimeout
        self.maxFileBytes = maxFileBytes
    }

    public func run(paths: [String]) async -> ScanResult {
        var toolErrors: [String] = []
        var analyzers: [any Analyzer] = []
        for t in tools {
            guard let a = AnalyzerRegistry.make(t) else {
                toolErrors.append("unknown tool '\(t)' (known: \(AnalyzerRegistry.names.joined(separator: ",")))"); continue
            }
            if let e = a as? any ExternalAnalyzer, e.executable == nil {
                toolErrors.append("tool '\(t)' is not installed (run scripts/setup.sh)"); continue
            }
            analyzers.append(a)
        }
        let inputs = ScanInputs.collect(paths, maxBytes: maxFileBytes)
        let reports = await Ensemble(analyzers: analyzers, concurrency: concurrency, perUnitTimeout: perUnitTimeout).run(inputs.units)
        var idioms: [String: [SecureIdiom]] = [:]
        if analyzers.contains(where: { $0.name == "builtin" }) {
            let builtin = BuiltinAnalyzer()
            for u in inputs.units { idioms[u.name] = builtin.run(u.text).idioms }
        }
        return ScanResult(inputs: inputs, reports: reports, toolErrors: toolErrors, minSeverity: minSeverity, idioms: idioms)
    }
}

// MARK: - Output

extension ScanResult {
    /// `unit:line:col: severity: [CWE] message (tools: rule)` lines, then diagnostics and a summary.
    public func text() -> String {
        var out = ""
        for r in reports {
            for ef in shown(r) {
                let f = ef.finding
                out += "\(r.unit):\(f.span.start.line):\(f.span.start.column): \(f.severity.rawValue): [\(f.cwe)] \(f.message) (\(ef.tools.joined(separator: "+")): \(f.ruleID))\n"
            }
        }
        for e in toolErrors + inputs.errors { out += "error: \(e)\n" }
        for r in reports { for d in r.diagnostics { out += "warning: \(d)\n" } }
        let n = reports.reduce(0) { $0 + shown($1).count }
        out += "\(n) finding(s) in \(reports.count) unit(s); \(inputs.errors.count) input error(s)\n"
        return out
    }

    /// `{"units": [{"unit", "findings": [{…Finding, "tools", "family"}], "secure_idioms": [SecureIdiom], "diagnostics"}],
    /// "errors": […]}`.
    public func json() throws -> Data {
        struct Unit: Encodable {
            var unit: String; var findings: [EnsembleFinding]; var secureIdioms: [SecureIdiom]; var diagnostics: [String]
            enum CodingKeys: String, CodingKey { case unit, findings, secureIdioms = "secure_idioms", diagnostics }
        }
        struct Root: Encodable { var units: [Unit]; var errors: [String]; var notes: [String] }
        let root = Root(units: reports.map { Unit(unit: $0.unit, findings: shown($0), secureIdioms: idioms[$0.unit] ?? [], diagnostics: $0.diagnostics) },
                        errors: toolErrors + inputs.errors, notes: inputs.notes)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try enc.encode(root)
    }

    public func sarif() throws -> Data {
        let texts = Dictionary(inputs.units.map { ($0.name, $0.text) }, uniquingKeysWith: { a, _ in a })
        return try SARIFWriter().write(reports.map {
            SARIFWriter.Entry(uri: SARIFWriter.uri(for: $0.unit), text: texts[$0.unit], findings: shown($0), idioms: idioms[$0.unit] ?? [])
        })
    }
}
