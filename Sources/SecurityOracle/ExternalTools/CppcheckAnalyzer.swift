// cppcheck adapter: value-flow checks (bounds, null, lifetime) read from its `--xml` report with CWE ids.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Runs `cppcheck --xml --enable=warning,portability --inconclusive` on the raw snippet.
///
/// cppcheck tolerates missing headers (it does not need a prelude) and reports a `cwe` attribute;
/// the mapping table refines ids whose attribute is generic (`arrayIndexOutOfBounds` is CWE-788).
/// Style-only results (CWE-563 unused variable, …) fall outside every CWE family and are dropped.
/// Severity: `error` high, `warning` medium; `inconclusive` results get low confidence.
public struct CppcheckAnalyzer: ExternalAnalyzer {
    public let name = "cppcheck"
    public let executable: String?
    public let timeout: Double

    public init(timeout: Double = 30) {
        executable = ToolProcess.which("cppcheck")
        self.timeout = timeout
    }

    public func analyze(_ unit: SourceUnit) async throws -> [Finding] {
        let exe = try requireExecutable(for: unit)
        let source = SourceText(unit.text)
        return try await withUnitFile(unit.text, cplusplus: unit.isCPlusPlus) { dir, file in
            let args = ["--xml", "--enable=warning,portability", "--inconclusive", "--quiet",
                        "--suppress=missingIncludeSystem", "--suppress=missingInclude",
                        "--language=\(unit.isCPlusPlus ? "c++" : "c")", file]
            let out = try await ToolProcess.run(exe, args, in: dir, timeout: timeout)
            if out.timedOut { throw ExternalToolError(tool: name, unit: unit.name, reason: "timed out after \(Int(timeout)) s") }
            let parser = CppcheckXML()
            guard parser.parse(Data(out.stderr.utf8)) else {
                throw ExternalToolError(tool: name, unit: unit.name, reason: "unreadable XML (exit \(out.status))")
            }
            return parser.errors.compactMap { e -> Finding? in
                guard let line = e.line, e.file == file || e.file.hasSuffix("/" + file) else { return nil }
                var f = normalized(ruleID: e.id, message: e.message, nativeCWE: e.cwe, nativeSeverity: e.severity,
                                   span: source.span(line: line, column: e.column ?? 1))
                if e.inconclusive { f?.confidence = .low }
                return f
            }
        }
    }
}

/// A SAX reader for cppcheck's XML v2: `<error id severity msg cwe inconclusive><location file line column/>`.
final class CppcheckXML: NSObject, XMLParserDelegate {
    struct Error {
        var id: String, severity: String, message: String, cwe: String?, inconclusive: Bool
        var file = "", line: Int? = nil, column: Int? = nil
    }
    private(set) var errors: [Error] = []
    private var current: Error?

    func parse(_ data: Data) -> Bool {
        let p = XMLParser(data: data)
        p.delegate = self
        return p.parse()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes a: [String: String]) {
        if name == "error" {
            current = Error(id: a["id"] ?? "unknown", severity: a["severity"] ?? "", message: a["msg"] ?? "",
                            cwe: a["cwe"], inconclusive: a["inconclusive"] == "true")
        } else if name == "location", current != nil, current?.line == nil {
            // The first location is the primary one (the second free of a double free, not the first).
            current?.file = a["file"] ?? ""
            current?.line = a["line"].flatMap(Int.init)
            current?.column = a["column"].flatMap(Int.init)
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "error", let c = current { errors.append(c); current = nil }
    }
}
