// PrimeVul+ records by id, for items that name a `record_id`: the repair-pattern source of the reward.
import Foundation
import Rewards
import SRCodeData

/// The slice of a PrimeVul+ record (or an inline `reference` object) that the composer reads.
///
/// The keys are the record's own (`primevul-plus/1`, as Vul2Safe writes them and as the Trainer's
/// `TrainingRecord` reads them); every field but `id` may be absent. Decoding it here, rather than
/// through the Trainer, keeps the server free of the tensor engine.
struct ReferenceRecord: Decodable {
    var id: String?
    var reference: RewardReference

    enum CodingKeys: String, CodingKey {
        case id, cwes
        case secureCode = "secure_code", vulnerableCode = "vulnerable_code"
        case secureSpans = "secure_spans", vulnerableSpans = "vulnerable_spans"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        reference = RewardReference(
            cwes: try c.decodeIfPresent([String].self, forKey: .cwes) ?? [],
            secureCode: try c.decodeIfPresent(String.self, forKey: .secureCode) ?? "",
            vulnerableCode: try c.decodeIfPresent(String.self, forKey: .vulnerableCode) ?? "",
            secureSpans: try c.decodeIfPresent([CharSpan].self, forKey: .secureSpans) ?? [],
            vulnerableSpans: try c.decodeIfPresent([CharSpan].self, forKey: .vulnerableSpans) ?? [])
    }
}

/// Record id → reward reference, loaded once at start-up.
public struct ReferenceStore: Sendable {
    let byID: [String: RewardReference]

    public init(_ byID: [String: RewardReference] = [:]) { self.byID = byID }

    /// Reads a PrimeVul+ JSONL file (every split: the caller decides which prompts it trains on).
    /// A bad line is reported through `skip` (`file:line: reason`), or thrown when `strict`.
    public init(path: String, strict: Bool = false, skip: (DataError) -> Void = { _ in }) throws {
        var m: [String: RewardReference] = [:]
        try readJSONLRecords(ReferenceRecord.self, path: path, what: "a PrimeVul+ record", strict: strict, skip: skip) { r, line in
            guard let id = r.id else { throw DataError(file: path, line: line, reason: "record has no id") }
            m[id] = r.reference
            return true
        }
        byID = m
    }

    public var count: Int { byID.count }
    public func reference(_ id: String) -> RewardReference? { byID[id] }
}
