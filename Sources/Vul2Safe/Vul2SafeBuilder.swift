// The resumable build: stream pairs, process them concurrently, commit one file per record, assemble.
import Foundation
import SRCodeData

/// Options of `srcode vul2safe build`.
public struct BuildOptions: Codable, Sendable, Equatable {
    public var input: String
    public var outDirectory: String
    public var rounds = 2
    public var promptsPerPair = 4
    public var concurrency = 2
    public var limit: Int?
    /// Only pairs in these languages are built (all when `nil`). Like `limit`, it selects pairs and
    /// leaves a record's content alone, so it may change between a run and its resume.
    public var languages: Set<Language>?
    public var offline = false
    /// What the implicit prompts ask for: the project function (default) or short self-contained tasks.
    public var promptStyle = PromptStyle.project
    public var policy = AcceptancePolicy()
    public var sampling = Sampling()
    public var splitFile: String?
    /// Draw the progress bar on stderr.
    public var progress = true

    public init(input: String, outDirectory: String) { self.input = input; self.outDirectory = outDirectory }

    /// The settings a resumed run must share with the run that wrote the records (anything that
    /// changes a record's content). Concurrency, limit and progress may change between runs.
    var fingerprint: String {
        "rounds=\(rounds) prompts=\(promptsPerPair) offline=\(offline) strict=\(policy.strict) min_conf=\(policy.minConfidence) "
            + "temp=\(sampling.temperature) max_tokens=\(sampling.maxTokens) seed=\(sampling.seed.map(String.init) ?? "none") split=\(splitFile ?? "hash")"
            + (promptStyle == .project ? "" : " prompt_style=\(promptStyle.rawValue)")
    }
}

/// Builds PrimeVul+ from `VulnerabilityPair` JSONL.
///
/// Resume design: every finished record is written to `records/<aa>/<sha256(id)>.json` through a
/// temp file and `rename(2)`, so a record either exists whole or not at all. A rerun skips pairs
/// whose record exists, re-asks the teacher for the others (the response cache makes repeated
/// requests free and identical), and then assembles `primevul_plus.jsonl` and `rejected.jsonl`
/// from the record files in input order. The assembled files are therefore byte-identical whether
/// or not the build was interrupted.
///
/// ```swift
/// var options = BuildOptions(input: "pairs.jsonl", outDirectory: "out")
/// let builder = Vul2SafeBuilder(options: options, teacher: teacher, gates: gates)
/// let summary = try await builder.run()
/// ```
public struct Vul2SafeBuilder: Sendable {
    public let options: BuildOptions
    public let teacher: (any Teacher)?
    public let gates: GateEvaluator
    public let prompts: PromptLibrary
    public let filter: LeakageFilter
    /// The HTTP client's meter (retries, cache hits), reported in the summary when given.
    public let clientMeter: TeacherMeter?

    public init(options: BuildOptions, teacher: (any Teacher)?, gates: GateEvaluator,
                prompts: PromptLibrary? = nil, filter: LeakageFilter = LeakageFilter(), clientMeter: TeacherMeter? = nil) throws {
        self.options = options
        self.teacher = options.offline ? nil : teacher
        self.gates = gates
        self.prompts = try prompts ?? PromptLibrary()
        self.filter = filter
        self.clientMeter = clientMeter
    }

    public var recordsDirectory: String { "\(options.outDirectory)/records" }
    public var acceptedPath: String { "\(options.outDirectory)/primevul_plus.jsonl" }
    public var rejectedPath: String { "\(options.outDirectory)/rejected.jsonl" }

    // MARK: - Run

    public func run() async throws -> BuildSummary {
        try FileManager.default.createDirectory(atPath: recordsDirectory, withIntermediateDirectories: true)
        try checkManifest()
        let (pairs, inputErrors) = try readPairs()
        let meter = TeacherMeter()
        let metered = teacher.map { MeteredTeacher(inner: $0, meter: meter) }
        let reflection = metered.map {
            SelfReflection(teacher: $0, prompts: prompts, filter: filter, sampling: options.sampling, maxRounds: options.rounds)
        }
        let processor = PairProcessor(reflection: reflection, gates: gates, policy: options.policy, filter: filter,
                                      splits: try SplitAssigner(splitFile: options.splitFile), promptsPerPair: options.promptsPerPair,
                                      promptStyle: options.promptStyle)
        let progress = BuildProgress(draw: options.progress)
        let pending = pairs.filter { loadRecordData($0.id) == nil }
        await progress.begin(total: pairs.count, resumed: pairs.count - pending.count)
        for p in pairs where loadRecordData(p.id) != nil {
            if let r = loadRecord(p.id) { await progress.add(r, fresh: false) }
        }

        // Sliding window of `concurrency` pairs in flight; the teacher's own limiter bounds requests.
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                let pair = pending[next]
                next += 1
                group.addTask {
                    let record = try await processor.process(pair)
                    try Task.checkCancellation()  // never commit a record finished after a cancel
                    try commit(record)
                    await progress.add(record, fresh: true)
                }
            }
            while next < pending.count && next < max(1, options.concurrency) { launch() }
            while try await group.next() != nil {
                if next < pending.count { launch() }
            }
        }
        try Task.checkCancellation()
        return try await assemble(pairs: pairs, inputErrors: inputErrors, meter: meter, progress: progress)
    }

    // MARK: - Input

    /// Valid pairs in input order (first `limit` of the wanted languages), and `file:line: reason` for
    /// every bad line.
    func readPairs() throws -> ([VulnerabilityPair], [String]) {
        var pairs: [VulnerabilityPair] = []
        var errors: [String] = []
        var seen = Set<String>()
        try readJSONLRecords(VulnerabilityPair.self, path: options.input, what: "a VulnerabilityPair",
                             skip: { errors.append($0.description) }) { pair, line in
            if let limit = options.limit, pairs.count >= limit { return false }
            guard seen.insert(pair.id).inserted else {
                throw DataError(file: options.input, line: line, reason: "duplicate pair id \(pair.id)")
            }
            if let languages = options.languages, !languages.contains(pair.language) { return true }
            pairs.append(pair)
            return true
        }
        return (pairs, errors)
    }

    // MARK: - Record files

    func recordPath(_ id: String) -> String {
        let h = SHA256Digest.hex(id)
        return "\(recordsDirectory)/\(h.prefix(2))/\(h).json"
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func commit(_ record: PrimeVulPlusRecord) throws {
        try AtomicFile.write(try Self.encoder.encode(record), to: recordPath(record.id))
    }

    func loadRecordData(_ id: String) -> Data? {
        guard let d = FileManager.default.contents(atPath: recordPath(id)),
              (try? JSONDecoder().decode(PrimeVulPlusRecord.self, from: d)) != nil else { return nil }
        return d
    }

    func loadRecord(_ id: String) -> PrimeVulPlusRecord? {
        loadRecordData(id).flatMap { try? JSONDecoder().decode(PrimeVulPlusRecord.self, from: $0) }
    }

    /// Refuses to mix records built with different content-affecting settings in one directory.
    func checkManifest() throws {
        let path = "\(options.outDirectory)/manifest.txt"
        let want = "vul2safe build\nmodel=\(teacher?.model ?? "offline")\n\(options.fingerprint)\n"
        if let have = try? String(contentsOfFile: path, encoding: .utf8) {
            guard have == want else {
                throw DataError(file: path, line: 0, reason: "this directory was built with other settings:\n\(have)now:\n\(want)use a fresh --out")
            }
        } else {
            try AtomicFile.write(Data(want.utf8), to: path)
        }
    }
}

/// Wraps the teacher to measure busy time and tokens from the pipeline's side.
struct MeteredTeacher: Teacher {
    let inner: any Teacher
    let meter: TeacherMeter
    var model: String { inner.model }
    func complete(_ request: ChatRequest) async throws -> ChatReply {
        await meter.begin()
        do {
            let r = try await inner.complete(request)
            await meter.end()
            await meter.record(reply: r, cached: false)
            return r
        } catch {
            await meter.end()
            throw error
        }
    }
}
