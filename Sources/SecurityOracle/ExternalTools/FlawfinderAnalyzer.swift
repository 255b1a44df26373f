// flawfinder adapter: lexical hits at risk level ≥ 3, read from its SARIF output.
import Foundation

/// Runs `flawfinder --sarif --minlevel=3` on the raw snippet (a lexical scanner needs no prelude).
///
/// Its CWE comes from the rule's SARIF `relationships` (first listed, e.g. CWE-120 for `buffer/strcpy`)
/// unless the mapping table overrides it; its risk level (SARIF `rank` × 5) gives the severity:
/// 4–5 high, 3 medium. Confidence is low: flawfinder matches names, not data flow.
public struct FlawfinderAnalyzer: ExternalAnalyzer {
    public let name = "flawfinder"
    public let executable: String?
    public let timeout: Double
    public let minLevel: Int

    public init(timeout: Double = 30, minLevel: Int = 3) {
        executable = ToolProcess.which("flawfinder")
        self.timeout = timeout
        self.minLevel = minLevel
    }

    public func analyze(_ unit: SourceUnit) async throws -> [Finding] {
        let exe = try requireExecutable(for: unit)
        let source = SourceText(unit.text)
        return try await withUnitFile(unit.text, cplusplus: unit.isCPlusPlus) { dir, file in
            let out = try await ToolProcess.run(exe, ["--sarif", "--minlevel=\(minLevel)", "--quiet", file], in: dir, timeout: timeout)
            if out.timedOut { throw ExternalToolError(tool: name, unit: unit.name, reason: "timed out after \(Int(timeout)) s") }
            guard out.status == 0 else {
                throw ExternalToolError(tool: name, unit: unit.name, reason: "exit \(out.status): \(out.stderr.prefix(200))")
            }
            return try SARIFReader.results(Data(out.stdout.utf8)).compactMap { r -> Finding? in
                let level = Int(((r.rank ?? 0) * 5).rounded())
                guard level >= minLevel else { return nil }
                let span = source.span(line: r.startLine, column: r.startColumn ?? 1,
                                       endLine: r.endLine ?? r.startLine, endColumn: r.endColumn)
                let message = r.message.split(separator: ":", maxSplits: 1).last.map(String.init) ?? r.message
                return normalized(ruleID: r.ruleName, message: message, nativeCWE: r.ruleCWEs.first,
                                  nativeSeverity: nil, span: span, severityOverride: level >= 4 ? .high : .medium)
            }
        }
    }
}
