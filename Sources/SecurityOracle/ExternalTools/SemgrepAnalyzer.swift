// semgrep adapter: the project's own local C rule pack (Resources/external/semgrep), never the registry.
import Foundation

/// Runs `semgrep scan --metrics=off --config <local pack>` on raw snippets, many per run.
///
/// semgrep costs seconds per start (Python, rule parsing), so ``analyzeBatch(_:)`` writes all units into
/// one temp dir and runs once; ``analyze(_:)`` is the batch of one. The pack's rules carry
/// `metadata.cwe`; `ERROR`/`WARNING`/`INFO` map to high/medium/low. Offsets come from semgrep's
/// line:col (converted with ``SourceText``) so every tool's spans are computed the same way.
public struct SemgrepAnalyzer: ExternalAnalyzer, BatchAnalyzer {
    public let name = "semgrep"
    public let executable: String?
    public let timeout: Double
    /// The rule directory; defaults to the bundled pack.
    public let rulesDirectory: URL?

    public init(timeout: Double = 300, rulesDirectory: URL? = nil) {
        executable = ToolProcess.which("semgrep")
        self.timeout = timeout
        self.rulesDirectory = rulesDirectory ?? externalResourceDirectory?.appendingPathComponent("semgrep")
    }

    public func analyze(_ unit: SourceUnit) async throws -> [Finding] {
        try await analyzeBatch([unit])[0]
    }

    public func analyzeBatch(_ units: [SourceUnit]) async throws -> [[Finding]] {
        guard !units.isEmpty else { return [] }
        let label = units.count == 1 ? units[0].name : "\(units.count) units"
        let exe = try requireExecutable(for: SourceUnit(name: label, text: ""))
        guard let rules = rulesDirectory else { throw ExternalToolError(tool: name, unit: label, reason: "rule pack not found") }
        let dir = try ToolProcess.makeTempDir(prefix: name)
        defer { ToolProcess.removeTempDir(dir) }
        var files: [String] = []
        for (i, u) in units.enumerated() {
            let f = "u\(i).\(u.isCPlusPlus ? "cc" : "c")"
            try Data(u.text.utf8).write(to: dir.appendingPathComponent(f))
            files.append(f)
        }
        var env = ProcessInfo.processInfo.environment
        env["SEMGREP_SEND_METRICS"] = "off"
        env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
        let args = ["scan", "--metrics=off", "--disable-version-check", "--quiet", "--json", "--no-git-ignore",
                    "--timeout", "10", "--config", rules.path] + files
        let out = try await ToolProcess.run(exe, args, in: dir, timeout: timeout, environment: env)
        if out.timedOut { throw ExternalToolError(tool: name, unit: label, reason: "timed out after \(Int(timeout)) s") }
        guard let root = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] else {
            throw ExternalToolError(tool: name, unit: label, reason: "no JSON (exit \(out.status)): \(out.stderr.prefix(200))")
        }
        let index = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
        let texts = units.map { SourceText($0.text) }
        var result = Array(repeating: [Finding](), count: units.count)
        for r in root["results"] as? [[String: Any]] ?? [] {
            guard let path = r["path"] as? String, let i = index[(path as NSString).lastPathComponent],
                  let start = r["start"] as? [String: Any], let end = r["end"] as? [String: Any],
                  let sl = start["line"] as? Int, let sc = start["col"] as? Int,
                  let el = end["line"] as? Int, let ec = end["col"] as? Int else { continue }
            let extra = r["extra"] as? [String: Any] ?? [:]
            let meta = extra["metadata"] as? [String: Any] ?? [:]
            let cwe = (meta["cwe"] as? String) ?? (meta["cwe"] as? [String])?.first
            let id = (r["check_id"] as? String ?? "rule").split(separator: ".").last.map(String.init) ?? "rule"
            let span = texts[i].span(line: sl, column: sc, endLine: el, endColumn: ec)
            if var f = normalized(ruleID: id, message: extra["message"] as? String ?? id,
                                  nativeCWE: cwe.map { String($0.prefix { $0 != ":" }) },
                                  nativeSeverity: extra["severity"] as? String, span: span) {
                if let c = meta["confidence"] as? String, let conf = Confidence(rawValue: c.lowercased()) { f.confidence = conf }
                result[i].append(f)
            }
        }
        return result
    }
}
