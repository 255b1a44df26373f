// The part of a PrimeVul+ record that RL needs: its implicit prompts and the reward reference.
import Foundation
import Rewards
import SRCodeData

/// One PrimeVul+ record as the RL loop sees it (the JSONL is written by Vul2Safe; the keys are its own,
/// so this reader needs no dependency on the Vul2Safe target).
public struct PromptRecord: Sendable {
    public var id: String
    public var split: String
    public var language: String
    /// Implicit task descriptions (never mention security).
    public var prompts: [String]
    /// Secure and vulnerable code with their spans: the reward's repair patterns.
    public var reference: RewardReference

    /// Reads the records of `split` in `languages` from a PrimeVul+ JSONL file.
    /// Lines that do not decode are reported through `skip` (`file:line: reason`), or thrown when `strict`.
    public static func load(path: String, split: String, languages: [String], limit: Int? = nil, strict: Bool = false,
                            skip: (String) -> Void = { _ in }) throws -> [PromptRecord] {
        let reader = try LineReader(path: path)
        var out: [PromptRecord] = []
        while let line = try reader.next() {
            if let limit, out.count >= limit { break }
            guard !line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            do {
                guard !line.tooLong else { throw RecordError.tooLong }
                let raw = try JSONDecoder().decode(Raw.self, from: Data(line.bytes))
                guard raw.split == split, languages.contains(raw.language) else { continue }
                guard let secure = raw.secureCode else { throw RecordError.noSecureCode }
                let prompts = raw.prompts.map(\.text).filter { !$0.isEmpty }
                guard !prompts.isEmpty else { throw RecordError.noPrompts }
                out.append(PromptRecord(
                    id: raw.id, split: raw.split, language: raw.language, prompts: prompts,
                    reference: RewardReference(cwes: raw.cwes, secureCode: secure, vulnerableCode: raw.vulnerableCode,
                                               secureSpans: raw.secureSpans, vulnerableSpans: raw.vulnerableSpans)))
            } catch {
                let problem = DataError(file: path, line: line.number, reason: Self.reason(error))
                if strict { throw problem }
                skip(problem.description)
            }
        }
        return out
    }

    enum RecordError: Error, CustomStringConvertible {
        case noSecureCode, noPrompts, tooLong
        var description: String {
            switch self {
            case .tooLong: "line is longer than the reader's limit"
            case .noSecureCode: "record has no secure_code (not an accepted PrimeVul+ record)"
            case .noPrompts: "record has no implicit prompts"
            }
        }
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let k, _): "missing field '\(k.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            "field '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        case DecodingError.dataCorrupted: "not valid JSON"
        default: "\(error)"
        }
    }

    struct Raw: Decodable {
        struct Prompt: Decodable { var text: String }
        var id: String
        var split: String
        var language: String
        var cwes: [String]
        var prompts: [Prompt]
        var secureCode: String?
        var vulnerableCode: String
        var secureSpans: [CharSpan]
        var vulnerableSpans: [CharSpan]

        enum CodingKeys: String, CodingKey {
            case id, split, language, cwes, prompts
            case secureCode = "secure_code", vulnerableCode = "vulnerable_code"
            case secureSpans = "secure_spans", vulnerableSpans = "vulnerable_spans"
        }
    }
}
