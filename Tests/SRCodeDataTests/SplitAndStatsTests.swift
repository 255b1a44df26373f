// Commit-grouped splits never leak a commit; stats count and take percentiles.
import Foundation
import Testing
@testable import SRCodeData

func makePair(_ i: Int, commit: String, project: String = "p", cwe: String = "CWE-787") -> VulnerabilityPair {
    let v = "int f\(i)(void) { return \(i); }\n", f = "int f\(i)(void) { return -\(i); }\n"
    return VulnerabilityPair(id: "t:\(i)", source: "test", project: project, commit: commit, cwes: [cwe], language: .c,
                             vulnerableCode: v, fixedCode: f, diff: TextDiff.codeDiff(vulnerable: v, fixed: f),
                             codeHash: StableHash.pairHash(vulnerable: v, fixed: f))
}

@Test func splitsKeepCommitsTogetherAndRoughProportions() throws {
    let splitter = PairSplitter(validFraction: 0.1, testFraction: 0.1, seed: 3)
    var byCommit: [String: Set<Split>] = [:]
    var counts: [Split: Int] = [:]
    for i in 0..<5000 {
        let p = makePair(i, commit: "c\(i / 5)")  // five functions per commit
        let s = splitter.split(of: p)
        byCommit[p.commitGroup, default: []].insert(s)
        counts[s, default: 0] += 1
    }
    #expect(byCommit.values.allSatisfy { $0.count == 1 })
    #expect((300...700).contains(counts[.test] ?? 0) && (300...700).contains(counts[.valid] ?? 0))
    // Stable: the same seed gives the same assignment.
    #expect(splitter.split(ofGroup: "commit:c1") == PairSplitter(seed: 3).split(ofGroup: "commit:c1"))
}

@Test func splitWritesThreeFilesFromAPairFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("srcode-split-\(UUID())").path
    let writer = try JSONLWriter(path: "\(dir)/pairs.jsonl")
    for i in 0..<200 { try writer.write(makePair(i, commit: "c\(i / 2)")) }
    try writer.close()
    let counts = try PairSplitter().write(input: "\(dir)/pairs.jsonl", outDir: "\(dir)/splits")
    #expect(counts.values.reduce(0, +) == 200)
    var seen: [String: Split] = [:]
    for s in Split.allCases {
        var r = try PairReader(path: "\(dir)/splits/\(s.rawValue).jsonl")
        while let p = try r.nextPair() {
            #expect(seen[p.commitGroup] == nil || seen[p.commitGroup] == s)
            seen[p.commitGroup] = s
        }
    }
}

@Test func statsCountAndPercentiles() {
    var stats = DatasetStats()
    for i in 0..<10 { stats.add(makePair(i, commit: "c\(i)", project: i < 7 ? "a" : "b", cwe: i < 4 ? "CWE-416" : "CWE-787")) }
    #expect(stats.pairs == 10 && stats.perCWE == ["CWE-416": 4, "CWE-787": 6] && stats.perProject == ["a": 7, "b": 3])
    #expect(DatasetStats.percentiles([5, 1, 3, 2, 4], [0.5, 1.0]) == [3, 5])
    #expect(stats.render().contains("changed lines"))
}

@Test func pairRecordRoundTripsThroughJSONL() throws {
    let p = makePair(1, commit: "c")
    let data = try JSONEncoder().encode(p)
    #expect(try JSONDecoder().decode(VulnerabilityPair.self, from: data) == p)
    #expect(String(decoding: data, as: UTF8.self).contains("\"vulnerable_code\""))
}

@Test func lineReaderHandlesLongLinesCRLFAndNoTrailingNewline() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lr-\(UUID()).txt").path
    let long = String(repeating: "x", count: 5000)
    try "a\r\n\(long)\nb".write(toFile: path, atomically: true, encoding: .utf8)
    let r = try LineReader(path: path, maxLineBytes: 1000, chunkSize: 64)
    let l1 = try #require(try r.next()), l2 = try #require(try r.next()), l3 = try #require(try r.next())
    #expect(l1.bytes == Array("a".utf8) && l1.offset == 0)
    #expect(l2.tooLong && l2.number == 2 && l2.offset == 3)
    #expect(l3.bytes == Array("b".utf8) && l3.offset == 5004)
    #expect(try r.next() == nil)
}
