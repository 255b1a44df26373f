// gcc -fanalyzer adapter: gcc's own path-sensitive analyzer and format/bounds warnings, from JSON diagnostics.
import Foundation

/// Runs `gcc -fanalyzer -fdiagnostics-format=json` (plus `-Wformat-security`) over the prelude-wrapped
/// snippet. gcc 12 attaches `metadata.cwe` to analyzer warnings; the table maps the option names for
/// the rest. Spans come from the primary location's `caret` to its inclusive `finish` column.
public struct GCCAnalyzer: ExternalAnalyzer {
    public let name = "gcc"
    public let executable: String?
    public let timeout: Double
    let prelude: StubPrelude

    public init(timeout: Double = 60) {
        executable = ToolProcess.firstAvailable(["gcc"])
        self.timeout = timeout
        prelude = StubPrelude(timeout: timeout)
    }

    static func flags(cplusplus: Bool) -> [String] {
        var f = ["-c", "-o", "/dev/null", "-fanalyzer", "-fdiagnostics-format=json", "-fmax-errors=20",
                 "-Wformat", "-Wformat-security"]
        f += cplusplus ? ["-x", "c++", "-std=gnu++17", "-fpermissive"]
                       : ["-x", "c", "-std=gnu11", "-Wno-implicit-function-declaration", "-Wno-int-conversion",
                          "-Wno-incompatible-pointer-types", "-Wno-implicit-int", "-Wno-return-type"]
        return f
    }

    public func analyze(_ unit: SourceUnit) async throws -> [Finding] {
        let exe = try requireExecutable(for: unit)
        let (unit, wrapped) = try await compilerUnit(unit, prelude: prelude)
        let source = SourceText(unit.text)
        return try await withUnitFile(wrapped.text, cplusplus: unit.isCPlusPlus) { dir, file in
            let out = try await ToolProcess.run(exe, Self.flags(cplusplus: unit.isCPlusPlus) + [file], in: dir, timeout: timeout)
            if out.timedOut { throw ExternalToolError(tool: name, unit: unit.name, reason: "timed out after \(Int(timeout)) s") }
            // gcc prints one JSON array per line of stderr (one per translation unit).
            var findings: [Finding] = []
            for line in out.stderr.split(separator: "\n") where line.hasPrefix("[") {
                guard let diags = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]] else { continue }
                for d in diags where (d["kind"] as? String) == "warning" {
                    guard let option = d["option"] as? String,
                          let loc = (d["locations"] as? [[String: Any]])?.first,
                          let caret = loc["caret"] as? [String: Any],
                          (caret["file"] as? String) == file,
                          let wl = caret["line"] as? Int, let l = wrapped.snippetLine(wl) else { continue }
                    let col = caret["byte-column"] as? Int ?? caret["column"] as? Int ?? 1
                    var endLine: Int? = nil, endCol: Int? = nil
                    if let fin = loc["finish"] as? [String: Any], let fl = fin["line"] as? Int,
                       let el = wrapped.snippetLine(fl), let fc = fin["byte-column"] as? Int ?? fin["column"] as? Int {
                        endLine = el; endCol = fc + 1
                    }
                    let cwe = ((d["metadata"] as? [String: Any])?["cwe"] as? Int).map { "CWE-\($0)" }
                    let message = d["message"] as? String ?? option
                    if let f = normalized(ruleID: option, message: message, nativeCWE: cwe, nativeSeverity: nil,
                                          span: source.span(line: l, column: col, endLine: endLine, endColumn: endCol)) {
                        findings.append(f)
                    }
                }
            }
            return findings
        }
    }
}
