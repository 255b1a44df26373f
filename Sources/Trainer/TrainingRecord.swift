// TrainingRecord: the fields of a PrimeVul+ record that SFT and RL read, decoded from `primevul_plus.jsonl` with file:line errors.
import Foundation
import SRCodeData

/// The slice of a PrimeVul+ record (`primevul-plus/1`, written by Vul2Safe) that training needs:
/// SFT reads prompts, code and spans; RL adds the CWEs for the reward reference (``PromptRecord``). The JSON keys are the record's own; other fields are ignored.
///
/// Why not decode `Vul2Safe.PrimeVulPlusRecord` itself: the Trainer would then link the teacher's
/// HTTP stack. The keys are pinned by a test that writes records the way Vul2Safe does.
public struct TrainingRecord: Decodable, Sendable, Equatable {
    public struct Prompt: Decodable, Sendable, Equatable {
        public var text: String
        public init(text: String) { self.text = text }
    }

    public var id: String
    public var language: String?
    public var status: String?
    public var split: String
    public var prompts: [Prompt]
    public var secureCode: String?
    public var vulnerableCode: String
    /// Unicode-scalar `[start, end)` ranges of `secureCode` / `vulnerableCode`.
    public var secureSpans: [CharSpan]
    public var vulnerableSpans: [CharSpan]
    public var confidence: Double?
    public var cwes: [String] = []

    enum CodingKeys: String, CodingKey {
        case id, language, status, split, prompts, confidence, cwes
        case secureCode = "secure_code", vulnerableCode = "vulnerable_code"
        case secureSpans = "secure_spans", vulnerableSpans = "vulnerable_spans"
    }

    public init(id: String, split: String, prompts: [String], secureCode: String?, vulnerableCode: String,
                secureSpans: [CharSpan] = [], vulnerableSpans: [CharSpan] = [], language: String? = "c") {
        self.id = id
        self.split = split
        self.prompts = prompts.map(Prompt.init)
        self.secureCode = secureCode
        self.vulnerableCode = vulnerableCode
        self.secureSpans = secureSpans
        self.vulnerableSpans = vulnerableSpans
        self.language = language
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        language = try c.decodeIfPresent(String.self, forKey: .language)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        split = try c.decode(String.self, forKey: .split)
        prompts = try c.decodeIfPresent([Prompt].self, forKey: .prompts) ?? []
        secureCode = try c.decodeIfPresent(String.self, forKey: .secureCode)
        vulnerableCode = try c.decodeIfPresent(String.self, forKey: .vulnerableCode) ?? ""
        secureSpans = try c.decodeIfPresent([CharSpan].self, forKey: .secureSpans) ?? []
        vulnerableSpans = try c.decodeIfPresent([CharSpan].self, forKey: .vulnerableSpans) ?? []
        confidence = try c.decodeIfPresent(Double.self, forKey: .confidence)
        cwes = try c.decodeIfPresent([String].self, forKey: .cwes) ?? []
    }

    /// Usable for SFT: accepted (or status absent), with secure code and at least one prompt.
    public var usable: Bool {
        (status ?? "accepted") == "accepted" && !(secureCode ?? "").isEmpty && !prompts.isEmpty
    }

    /// The fenced-block info string for the record's language (`c`, `cpp`).
    public var fence: String {
        switch (language ?? "c").lowercased() { case "cpp", "c++", "cxx": "cpp"; default: "c" }
    }
}

/// A line of the JSONL that could not be used (`file:line: reason`).
public typealias TrainingDataError = DataError

extension TrainingRecord {
    /// Reads the records whose `split` is in `splits`. A bad line (not JSON, missing key, wrong type)
    /// is reported through `skip` and dropped, or thrown when `strict`.
    public static func read(path: String, splits: Set<String>, strict: Bool = false, limit: Int? = nil,
                            skip: (TrainingDataError) -> Void = { _ in }) throws -> [TrainingRecord] {
        var out: [TrainingRecord] = []
        try readJSONLRecords(TrainingRecord.self, path: path, what: "a PrimeVul+ record", strict: strict, skip: skip) { r, _ in
            if let limit, out.count >= limit { return false }
            if splits.contains(r.split), r.usable { out.append(r) }
            return true
        }
        return out
    }
}
