// The importer on every supported layout, and on the bad-input corpus with its expected messages.
import Foundation
import Testing
@testable import SRCodeData

func importAll(_ paths: [String], options: ImportOptions = ImportOptions()) throws -> ([VulnerabilityPair], [DataError], ImportSummary) {
    var errors: [DataError] = []
    let importer = PairImporter(options: options) { errors.append($0) }
    var pairs: [VulnerabilityPair] = []
    for f in try PairImporter.inputFiles(paths) { try importer.importFile(f) { pairs.append($0) } }
    return (pairs, errors, importer.summary)
}

@Test func importsEveryLayout() throws {
    let (pairs, errors, summary) = try importAll([Fixtures.path("good")])
    let bySource = Dictionary(grouping: pairs, by: \.source).mapValues(\.count)
    #expect(bySource == ["sven": 1, "primevul": 2, "primevul-sample": 1, "cvefixes": 3])
    // The only complaint: the benign PrimeVul row that never finds a partner.
    #expect(errors.count == 1)
    #expect(errors.first?.reason.hasPrefix("unpaired row") == true)
    #expect(summary.imported == 7)

    let sven = try #require(pairs.first { $0.source == "sven" })
    #expect(sven.project == "acme/lib" && sven.commit == "abc123" && sven.cwes == ["CWE-787"] && sven.language == .c)
    let paired = try #require(pairs.first { $0.id == "primevul:10-11" })
    #expect(paired.cve == "CVE-2024-0001" && paired.vulnerableCode.contains("strcpy(dst, src);\n    return 0;\n}\n"))
    #expect(paired.fixedCode.contains("strlen(src) >= n"))
    #expect(paired.metadata["cve_desc"] == "overflow")
    let unpaired = try #require(pairs.first { $0.id == "primevul:21-20" })
    #expect(unpaired.cwes == ["CWE-120"])
    let csv = pairs.filter { $0.source == "cvefixes" }
    #expect(Set(csv.flatMap(\.cwes)) == ["CWE-787", "NVD-CWE-Other"])
    #expect(csv.contains { $0.language == .cpp && $0.project == "acme/csv" })
}

@Test func badInputCorpusGivesExpectedMessages() throws {
    var options = ImportOptions()
    options.limits = RowLimits(maxFunctionBytes: 1000)
    let dir = Fixtures.path("bad")
    let files = ["sven_bad.jsonl", "primevul_unpaired.jsonl", "broken.csv"].map { "\(dir)/\($0)" }
    let (pairs, errors, summary) = try importAll(files, options: options)
    let expected = try String(contentsOfFile: "\(dir)/expected.txt", encoding: .utf8).split(separator: "\n").map(String.init)
    let actual = errors.map { "\(($0.file as NSString).lastPathComponent):\($0.line): \($0.reason)" }
    for e in expected {
        #expect(actual.contains { $0.hasPrefix(e) }, "expected a report starting with: \(e)\nactual: \(actual)")
    }
    #expect(actual.count == expected.count)
    // Line 1 and the CSV's first row import; line 10 is a duplicate of line 1.
    #expect(pairs.count == 2)
    #expect(summary.duplicates == 1)
    #expect(summary.rejected["malformed JSON"] == 1 && summary.rejected["unpaired row"] == 2)
}

@Test func strictStopsAtFirstBadRow() throws {
    var options = ImportOptions()
    options.strict = true
    let error = #expect(throws: DataError.self) {
        _ = try importAll([Fixtures.path("bad/sven_bad.jsonl")], options: options)
    }
    #expect(error?.line == 2)
    #expect(error?.reason.hasPrefix("malformed JSON") == true)
}

@Test func missingInputIsAClearError() {
    #expect(throws: DataError.self) { _ = try PairImporter.inputFiles(["/nonexistent/x.jsonl"]) }
}

@Test func excludedCommitsAreDropped() throws {
    var options = ImportOptions()
    options.excludeCommits = ["abc123"]
    let (pairs, _, summary) = try importAll([Fixtures.path("good/sven.jsonl")], options: options)
    #expect(pairs.isEmpty && summary.excludedCommits == 1)
}
