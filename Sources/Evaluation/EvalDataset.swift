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

/// One line of the data file that could not be used.
public struct SkippedLine: Codable, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String
    public var description: String { "\(file):\(line): \(reason)" }
}

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
        guard let data = FileManager.default.contents(atPath: path) else { throw EvalError.unreadable(path, "no such file") }
        var records: [EvalRecord] = [], skipped: [SkippedLine] = []
        let decoder = JSONDecoder()
        var lineNo = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNo += 1
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let rec: EvalRecord
            do {
                rec = try decoder.decode(EvalRecord.self, from: Data(raw))
            } catch {
                let s = SkippedLine(file: path, line: lineNo, reason: "not a PrimeVul+ record: \(describe(error))")
                if strict { throw EvalError.badLine(s) }
                skipped.append(s)
                continue
            }
            if let split, rec.split != split { continue }
            if let statuses, !statuses.contains(rec.status ?? "accepted") { continue }
            if let languages, !languages.contains(rec.language ?? .c) { continue }
            if rec.prompts.allSatisfy({ $0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                let s = SkippedLine(file: path, line: lineNo, reason: "record \(rec.id) has no prompt text")
                if strict { throw EvalError.badLine(s) }
                skipped.append(s)
                continue
            }
            records.append(rec)
        }
        return EvalDataset(records: records, skipped: skipped)
    }

    /// A short reason for a decoding error (the field path, not Foundation's whole debug dump).
    static func describe(_ e: Error) -> String {
        switch e {
        case DecodingError.keyNotFound(let k, _): return "missing field \(k.stringValue)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "bad field \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case DecodingError.dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "invalid JSON" : "bad field \(path): \(c.debugDescription)"
        default: return "\(e)"
        }
    }
}
