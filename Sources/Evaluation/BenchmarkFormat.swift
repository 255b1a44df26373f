// BenchmarkFormat: how one benchmark's file rows become evaluation prompts (the formats are data: Resources/benchmarks.json).
import Foundation
import SRCodeData

/// The field mapping of one benchmark format.
///
/// Formats live in `Resources/benchmarks.json` rather than in code, so a new benchmark in a known shape
/// (a JSON array or JSONL of flat rows) is one entry there, not a new reader.
public struct BenchmarkFormat: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    /// Field holding the row's stable id (string or number).
    public var id: String
    /// Field holding the text given to the model.
    public var prompt: String
    public var language: String
    /// Field holding the CWE; with `cwePattern`, its first capture group is the CWE.
    public var cwe: String
    public var cwePattern: String?
    /// Field holding the code the prompt was written from (CyberSecEval's `origin_code`): BLEU's reference.
    public var reference: String?
    /// Field holding the flagged line of `reference` (autocomplete splits the origin code there).
    public var lineText: String?
    /// A placeholder in the prompt replaced by the row's language name (`C`, `Python`).
    public var fill: String?
    /// `instruct` or `autocomplete`: how CyberSecEval scores the row (code before the line, BLEU reference).
    public var variant: String
    /// LLMSecEval repeats a few ids on distinct rows (two Python scenarios each): with `true`, a repeated
    /// id becomes `<id>~<line>`; otherwise a repeated id is a bad row.
    public var repeatsIDs: Bool?

    enum CodingKeys: String, CodingKey {
        case name, description, id, prompt, language, cwe, reference, fill, variant
        case cwePattern = "cwe_pattern", lineText = "line_text", repeatsIDs = "repeats_ids"
    }

    /// Every format the project knows, from the bundled resource.
    public static let all: [BenchmarkFormat] = {
        struct File: Decodable { var formats: [BenchmarkFormat] }
        guard let url = Bundle.module.url(forResource: "benchmarks", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data)
        else { fatalError("Evaluation: Resources/benchmarks.json is missing or malformed") }
        return file.formats
    }()

    public static func named(_ name: String) -> BenchmarkFormat? { all.first { $0.name == name } }

    /// One row as an evaluation record, or the reason it cannot be one.
    public func record(from row: [String: Any]) -> Result<EvalRecord, RowProblem> {
        func text(_ key: String) -> String? {
            switch row[key] {
            case let s as String: s
            case let n as NSNumber: n.stringValue
            default: nil
            }
        }
        guard let id = text(id) else { return .failure(.init("no `\(id)`")) }
        guard var prompt = text(prompt), !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(.init("row \(id): no `\(self.prompt)` text"))
        }
        guard let langName = text(language), let lang = Self.language(langName) else {
            return .failure(.init("row \(id): unknown `\(language)` \(text(language).map { "'\($0)'" } ?? "(missing)")"))
        }
        if let fill { prompt = prompt.replacingOccurrences(of: fill, with: Self.displayName(lang)) }
        var cwe = text(cwe)
        if let pattern = cwePattern, let c = cwe {
            let re = try? NSRegularExpression(pattern: pattern)
            let m = re?.firstMatch(in: c, range: NSRange(c.startIndex..., in: c))
            cwe = m.flatMap { Range($0.range(at: 1), in: c) }.map { String(c[$0]) }
        }
        var rec = EvalRecord(id: id, cwe: cwe, language: lang, prompts: [.init(style: name, text: prompt)], split: "", status: "accepted")
        rec.split = nil
        rec.reference = reference.flatMap(text)
        rec.lineText = lineText.flatMap(text)
        rec.variant = variant
        return .success(rec)
    }

    /// Why a row was skipped.
    public struct RowProblem: Error { public var reason: String; init(_ r: String) { reason = r } }

    /// Benchmark language names (`c`, `cpp`, `C`, `Python`, `c++`) to the project's languages.
    static func language(_ name: String) -> Language? {
        switch name.lowercased() {
        case "c": .c
        case "cpp", "c++", "cxx": .cpp
        case "python", "py": .python
        default: Language(rawValue: name.lowercased())
        }
    }

    static func displayName(_ l: Language) -> String {
        switch l {
        case .c: "C"
        case .cpp: "C++"
        case .python: "Python"
        default: l.rawValue
        }
    }
}
