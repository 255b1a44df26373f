// EvalDataset: the held-out PrimeVul+ prompts an evaluation samples from, read tolerantly from JSONL.
import Foundation
import SRCodeData

/// The fields of a PrimeVul+ record (docs/VUL2SAFE.md) that evaluation needs.
///
/// Decoded on its own rather than through Vul2Safe's `PrimeVulPlusRecord`, so Evaluation does not pull
/// in the teacher's HTTP stack, and so records from older schema versions still evaluate.
public struct EvalRecord: Codable, Sendable, Equatable {
    public struct Prompt: Codable, Sendable, Equatable {
        public var style: String?
        public var text: String
        public init(style: String? = nil, text: String) { self.style = style; self.text = text }
    }
    public var id: String
    public var cwe: String?
    public var cwes: [String]?
    public var language: Language?
    public var prompts: [Prompt]
    public var split: String?
    public var status: String?
    /// Benchmark rows only: the code the prompt was written from (BLEU's reference), its flagged line,
    /// and CyberSecEval's variant (`instruct` or `autocomplete`).
    public var reference: String?
    public var lineText: String?
    public var variant: String?

    public init(id: String, cwe: String?, language: Language = .c, prompts: [Prompt], split: String = "test", status: String = "accepted") {
        self.id = id
        self.cwe = cwe
        self.cwes = cwe.map { [$0] } ?? []
        self.language = language
        self.prompts = prompts
        self.split = split
        self.status = status
    }

    /// The CWE metrics group this record under: the primary CWE, else the first listed, else `unknown`.
    public var primaryCWE: String { cwe ?? cwes?.first ?? "unknown" }
}

/// One line of the data file that could not be used (`file:line: reason`).
public typealias SkippedLine = DataError

/// Errors that stop an evaluation before it samples anything.
public enum EvalError: Error, CustomStringConvertible {
    case badLine(SkippedLine)
    case unreadable(String, String)
    case noPrompts(String)
    case invalid(String)
    public var description: String {
        switch self {
        case .badLine(let s): "\(s) (--strict)"
        case .unreadable(let f, let why): "\(f): cannot read: \(why)"
        case .noPrompts(let why): "no prompts to evaluate: \(why)"
        case .invalid(let why): why
        }
    }
}

/// The records of one split, plus the lines that were skipped and why.
public struct EvalDataset: Sendable {
    public var records: [EvalRecord]
    public var skipped: [SkippedLine]

    /// Reads a PrimeVul+ JSONL file.
    ///
    /// - Parameters:
    ///   - split: keep records whose `split` equals this (`nil` keeps all).
    ///   - statuses: keep records whose `status` is one of these (`nil` keeps all); a record with no prompts is skipped.
    ///   - languages: keep records in these languages (`nil` keeps all). The default is C and C++, the
    ///     languages the oracle analyzes: scanning Python answers with a C analyzer would count them clean.
    ///   - strict: throw on the first bad line instead of skipping it.
    public static func load(path: String, split: String? = "test", statuses: Set<String>? = ["accepted"],
                            languages: Set<Language>? = [.c, .cpp], strict: Bool = false) throws -> EvalDataset {
        guard FileManager.default.fileExists(atPath: path) else { throw EvalError.unreadable(path, "no such file") }
        var records: [EvalRecord] = [], skipped: [SkippedLine] = []
        do {
            try readJSONLRecords(EvalRecord.self, path: path, what: "a PrimeVul+ record", strict: strict,
                                 skip: { skipped.append($0) }) { rec, line in
                if let split, rec.split != split { return true }
                if let statuses, !statuses.contains(rec.status ?? "accepted") { return true }
                if let languages, !languages.contains(rec.language ?? .c) { return true }
                if rec.prompts.allSatisfy({ $0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                    throw DataError(file: path, line: line, reason: "record \(rec.id) has no prompt text")
                }
                records.append(rec)
                return true
            }
        } catch let e as DataError {
            throw e.line > 0 ? EvalError.badLine(e) : EvalError.unreadable(path, e.reason)
        }
        return EvalDataset(records: records, skipped: skipped)
    }

    /// Reads a benchmark file (a JSON array or JSONL) in one of the ``BenchmarkFormat``s.
    ///
    /// A row that is not an object, lacks its prompt or id, names an unknown language, or repeats an
    /// earlier id is skipped and reported (`file:line: reason`), or thrown with `strict`.
    public static func load(benchmark format: BenchmarkFormat, path: String, languages: Set<Language>? = [.c, .cpp],
                            strict: Bool = false) throws -> EvalDataset {
        guard FileManager.default.fileExists(atPath: path) else { throw EvalError.unreadable(path, "no such file") }
        var records: [EvalRecord] = [], skipped: [SkippedLine] = [], seen = Set<String>()
        do {
            try JSONRowStream(path: path).forEach { bytes, line in
                do {
                    guard let row = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
                        throw DataError(file: path, line: line, reason: "not a \(format.name) row: not a JSON object")
                    }
                    switch format.record(from: row) {
                    case .failure(let p): throw DataError(file: path, line: line, reason: p.reason)
                    case .success(var rec):
                        if seen.contains(rec.id), format.repeatsIDs == true { rec.id += "~\(line)" }
                        guard seen.insert(rec.id).inserted else { throw DataError(file: path, line: line, reason: "row \(rec.id): repeats an earlier id") }
                        if let languages, !languages.contains(rec.language ?? .c) { return true }
                        records.append(rec)
                    }
                } catch let e as DataError {
                    if strict { throw e }
                    skipped.append(e)
                }
                return true
            }
        } catch let e as DataError {
            // A file that breaks off mid-row keeps the rows before it unless --strict.
            guard !strict, e.line > 0 else { throw e.line > 0 ? EvalError.badLine(e) : EvalError.unreadable(path, e.reason) }
            skipped.append(e)
        }
        return EvalDataset(records: records, skipped: skipped)
    }
}
