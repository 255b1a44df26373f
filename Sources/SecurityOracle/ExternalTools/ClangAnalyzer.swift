// clang static analyzer adapter: path-sensitive core/unix/security checks on the prelude-wrapped snippet.
import Foundation

/// Runs `clang --analyze --analyzer-output sarif` with the `core`, `unix`, `security` and `alpha.security`
/// checker packages over the snippet wrapped in ``StubPrelude``, and maps lines back to the snippet.
///
/// With Debian's clang-19 the SARIF output is selected by `--analyzer-output sarif` (space, not `=`)
/// and written to `-o`. Results located in headers or in the prelude are dropped. clang marks a point
/// (start = end column), so spans widen to the statement; see ``SourceText/span(line:column:endLine:endColumn:)``.
public struct ClangAnalyzer: ExternalAnalyzer {
    public let name = "clang"
    public let executable: String?
    public let timeout: Double
    public let checkers: String
    let prelude: StubPrelude

    public init(timeout: Double = 60, checkers: String = "core,unix,security,alpha.security") {
        executable = ToolProcess.firstAvailable(["clang-19", "clang"])
        self.timeout = timeout
        self.checkers = checkers
        prelude = StubPrelude(timeout: timeout)
    }

    public func analyze(_ unit: SourceUnit) async throws -> [Finding] {
        let exe = try requireExecutable(for: unit)
        let (unit, wrapped) = try await compilerUnit(unit, prelude: prelude)
        let source = SourceText(unit.text)
        return try await withUnitFile(wrapped.text, cplusplus: unit.isCPlusPlus) { dir, file in
            let args = ["--analyze", "--analyzer-output", "sarif", "-Xclang", "-analyzer-checker=\(checkers)",
                        "-o", "report.sarif"] + StubPrelude.lenientFlags(cplusplus: unit.isCPlusPlus) + [file]
            let out = try await ToolProcess.run(exe, args, in: dir, timeout: timeout)
            if out.timedOut { throw ExternalToolError(tool: name, unit: unit.name, reason: "timed out after \(Int(timeout)) s") }
            guard let data = try? Data(contentsOf: dir.appendingPathComponent("report.sarif")) else {
                throw ExternalToolError(tool: name, unit: unit.name, reason: "no report (exit \(out.status)): \(out.stderr.prefix(200))")
            }
            return try SARIFReader.results(data).compactMap { r -> Finding? in
                guard r.uri.hasSuffix("/" + file) || r.uri == file, let line = wrapped.snippetLine(r.startLine) else { return nil }
                let endLine = r.endLine.flatMap(wrapped.snippetLine) ?? line
                let span = source.span(line: line, column: r.startColumn ?? 1, endLine: endLine, endColumn: r.endColumn)
                return normalized(ruleID: r.ruleID, message: r.message, nativeCWE: nil, nativeSeverity: r.level, span: span)
            }
        }
    }
}
