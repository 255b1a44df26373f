// End-to-end builds on fixtures: gates and fallback, faults, offline mode, and kill-and-resume identity.
import Foundation
import SRCodeData
import Testing
@testable import Vul2Safe
import Vul2SafeTesting

/// A pair whose official fix does not remove the oracle's finding (so the fallback is rejected too).
let stillBad = Fixtures.pair("5", cwe: "CWE-787", name: "read_line", vulnerable: """
    void read_line(char *buf)
    {
        gets(buf);
    }
    """, fixed: """
    void read_line(char *buf)
    {
        buf[0] = 0;
        gets(buf);
    }
    """)

@Suite(.serialized, .timeLimit(.minutes(20))) struct PipelineTests {
    /// What the fake teacher proposes: the official fix for copy_name and scale_size, the vulnerable
    /// code again for get_item (so its overlap gate fails and the official fallback is used).
    static let repairs: [String: String] = [
        "copy_name": Fixtures.copyName.fixedCode, "scale_size": Fixtures.scale.fixedCode,
        "get_item": Fixtures.getItem.vulnerableCode, "read_doc": Fixtures.pyRead.fixedCode,
        "read_line": stillBad.vulnerableCode,
    ]

    func build(_ input: String, _ out: String, server: FakeOpenAIServer?, offline: Bool = false, concurrency: Int = 2,
               retries: Int = 2) throws -> Vul2SafeBuilder {
        var o = BuildOptions(input: input, outDirectory: out)
        o.offline = offline
        o.concurrency = concurrency
        o.progress = false
        var teacher: OpenAITeacher?
        if let server {
            var s = TeacherSettings(baseURL: server.baseURL, model: "fake")
            s.cacheDirectory = out + "/cache"
            s.backoffBase = 0.01
            s.maxBackoff = 0.02
            s.maxRetries = retries
            s.requestTimeout = 2
            s.concurrency = concurrency
            teacher = try OpenAITeacher(settings: s)
        }
        let gates = GateEvaluator(findingSource: FakeFindingSource(), compileChecker: FakeCompileChecker())
        return try Vul2SafeBuilder(options: o, teacher: teacher, gates: gates)
    }

    func records(_ path: String) throws -> [PrimeVulPlusRecord] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(PrimeVulPlusRecord.self, from: Data($0.utf8)) }
    }

    @Test func endToEndOnFixtures() async throws {
        let dir = Fixtures.tempDir("e2e")
        try Fixtures.writeJSONL(Fixtures.all + [stillBad], to: dir + "/pairs.jsonl", withBadLine: true)
        let server = try await FakeOpenAIServer { req in .reply(FakeBrain.answer(req.messagesText, repairs: Self.repairs)) }
        defer { Task { try? await server.shutdown() } }
        let summary = try await build(dir + "/pairs.jsonl", dir + "/out", server: server).run()

        #expect(summary.pairs == 5)
        #expect(summary.inputErrors.count == 1 && summary.inputErrors[0].contains("pairs.jsonl:2:"))
        let acc = try records(dir + "/out/primevul_plus.jsonl")
        #expect(acc.map(\.id) == ["fixture:1", "fixture:2", "fixture:3", "fixture:4"])  // input order
        let copy = acc[0]
        #expect(copy.repairSource == "teacher" && copy.status == "accepted")
        #expect(copy.gates?.cweFindingsRemoved.outcome == .pass)
        #expect(copy.gates?.verdictStable.outcome == .pass)
        #expect(copy.analysis?.rootCause == "unchecked length")
        #expect(copy.reflection.count == 2)
        #expect(copy.confidence == 1.0)
        // Secure spans cover the added check; vulnerable spans the replaced strcpy.
        let secure = Array(copy.secureCode!.unicodeScalars)
        let spanTexts = copy.secureSpans.map { String(String.UnicodeScalarView(secure[$0.start..<$0.end])) }
        #expect(spanTexts.contains { $0.contains("strlen(src) >= 64") })
        let vuln = Array(copy.vulnerableCode.unicodeScalars)
        #expect(copy.vulnerableSpans.map { String(String.UnicodeScalarView(vuln[$0.start..<$0.end])) }.contains { $0.contains("strcpy") })
        // Prompts: the leaking and the near-duplicate teacher prompts are gone; counts recorded.
        #expect(copy.prompts.count == 4)
        #expect(copy.promptStats?.leaked == 1)
        #expect(copy.promptStats?.duplicates == 1)
        #expect(!copy.prompts.contains { $0.text.lowercased().contains("overflow") })
        // get_item: the teacher echoed the vulnerable code; the official fix took over, marked as such.
        #expect(acc[1].repairSource == "official-fallback")
        #expect(acc[1].teacherGates?.overlapsOfficialPatch.outcome == .fail)
        #expect(acc[1].notes.contains { $0.contains("overlaps_official_patch") })
        // Python: compile and oracle gates skipped, not passed.
        #expect(acc[3].gates?.compiles.outcome == .skipped)
        let rej = try records(dir + "/out/rejected.jsonl")
        #expect(rej.map(\.id) == ["fixture:5"])
        #expect(rej[0].status == "rejected")
        #expect(rej[0].reasons.contains { $0.contains("cwe_findings_removed") })
        #expect(summary.rejectedByGate["cwe_findings_removed"] == 1)
        #expect(FileManager.default.fileExists(atPath: dir + "/out/summary.json"))
        #expect(summary.splits.values.reduce(0, +) == 4)
    }

    @Test func faultsNeverStopTheRunAndFailuresCarryReasons() async throws {
        let dir = Fixtures.tempDir("faults")
        try Fixtures.writeJSONL(Fixtures.all + [stillBad], to: dir + "/pairs.jsonl")
        let server = try await FakeOpenAIServer { req in
            // read_line's teacher is always down; everything else sees a fault on every 3rd request.
            if req.messagesText.contains("`read_line`") { return .status(503, "down") }
            switch req.index % 6 {
            case 0: return .status(500, "boom")
            case 3: return .garbage("not json at all")
            default: return .reply(FakeBrain.answer(req.messagesText, repairs: Self.repairs))
            }
        }
        defer { Task { try? await server.shutdown() } }
        let summary = try await build(dir + "/pairs.jsonl", dir + "/out", server: server, retries: 5).run()
        #expect(summary.pairs == 5)
        let rej = try records(dir + "/out/rejected.jsonl")
        let bad = try #require(rej.first { $0.id == "fixture:5" })
        #expect(bad.status == "failed")
        #expect(bad.reasons.contains { $0.contains("HTTP 503") })
        #expect(summary.accepted == 4)
    }

    @Test func offlineModeNeedsNoTeacher() async throws {
        let dir = Fixtures.tempDir("offline")
        try Fixtures.writeJSONL(Fixtures.all, to: dir + "/pairs.jsonl")
        let summary = try await build(dir + "/pairs.jsonl", dir + "/out", server: nil, offline: true).run()
        let acc = try records(dir + "/out/primevul_plus.jsonl")
        #expect(summary.accepted == 4)
        #expect(acc.allSatisfy { $0.offline && $0.repairSource == "official-fallback" && $0.prompts.allSatisfy { $0.origin == "offline" } })
        #expect(acc.allSatisfy { $0.gates?.verdictStable.outcome == .skipped })
    }

    @Test func languageFilterBuildsOnlyTheWantedLanguages() async throws {
        let dir = Fixtures.tempDir("languages")
        try Fixtures.writeJSONL(Fixtures.all, to: dir + "/pairs.jsonl")
        var builder = try build(dir + "/pairs.jsonl", dir + "/out", server: nil, offline: true)
        var options = builder.options
        options.languages = [.c, .cpp]
        builder = try Vul2SafeBuilder(options: options, teacher: nil, gates: builder.gates)
        let (pairs, errors) = try builder.readPairs()
        #expect(errors.isEmpty)
        #expect(!pairs.isEmpty && pairs.allSatisfy { $0.language.isCFamily })
        #expect(pairs.count == Fixtures.all.filter { $0.language.isCFamily }.count)
        #expect(pairs.count < Fixtures.all.count)  // the fixtures hold a Python pair, which is left out
    }

    @Test func killAndResumeIsByteIdentical() async throws {
        let pairs = (0..<12).map { i -> VulnerabilityPair in
            var p = [Fixtures.copyName, Fixtures.getItem, Fixtures.scale][i % 3]
            p.id = "fixture:r\(i)"
            p.commit = "commit\(i)"
            return p
        }
        let dir = Fixtures.tempDir("resume")
        try Fixtures.writeJSONL(pairs, to: dir + "/pairs.jsonl")
        let server = try await FakeOpenAIServer { req in
            try? await Task.sleep(for: .milliseconds(5))
            return .reply(FakeBrain.answer(req.messagesText, repairs: Self.repairs))
        }
        defer { Task { try? await server.shutdown() } }

        // Reference: one uninterrupted run.
        _ = try await build(dir + "/pairs.jsonl", dir + "/ref", server: server).run()

        // Interrupted: cancel at random moments until a run completes.
        var rng = SplitMix(seed: 42)
        var interruptions = 0
        while true {
            let builder = try build(dir + "/pairs.jsonl", dir + "/cut", server: server, concurrency: 3)
            let task = Task { try await builder.run() }
            let delay = Int(rng.next() % 60) + 5
            try await Task.sleep(for: .milliseconds(delay))
            task.cancel()
            do { _ = try await task.value; break } catch { interruptions += 1 }
            #expect(interruptions < 200)
            if interruptions >= 200 { break }
        }
        #expect(interruptions > 0)
        for name in ["primevul_plus.jsonl", "rejected.jsonl"] {
            let a = FileManager.default.contents(atPath: "\(dir)/ref/\(name)")
            let b = FileManager.default.contents(atPath: "\(dir)/cut/\(name)")
            #expect(a != nil && a == b, "\(name) differs after resume")
        }
        #expect(try records(dir + "/cut/primevul_plus.jsonl").count == 12)
    }

    @Test func manifestRefusesMixedSettings() async throws {
        let dir = Fixtures.tempDir("manifest")
        try Fixtures.writeJSONL([Fixtures.copyName], to: dir + "/pairs.jsonl")
        _ = try await build(dir + "/pairs.jsonl", dir + "/out", server: nil, offline: true).run()
        var o = BuildOptions(input: dir + "/pairs.jsonl", outDirectory: dir + "/out")
        o.offline = true
        o.promptsPerPair = 2
        o.progress = false
        let b = try Vul2SafeBuilder(options: o, teacher: nil, gates: GateEvaluator(findingSource: nil, compileChecker: nil))
        await #expect(throws: DataError.self) { _ = try await b.run() }
    }
}
