// Pattern tasks: short self-contained tasks chosen by a fix pair's flaw family, from data.
import Foundation
import SRCodeData
import SecurityOracle

/// The prompt style `pattern`: for each fix pair, short self-contained C/C++ tasks whose most direct
/// answer performs the same kind of operation as the pair's vulnerable lines, in a new setting.
///
/// Why it exists: the offline short-task prompts restate the project function ("write `snd_pcm_period_elapsed`
/// …"), and the base model answered them with stubs and no risky code (0 of 16 rollouts flagged), while
/// the default 0.5B teacher, asked to write such tasks, mostly repeats the examples in its instructions.
/// A reward that never fires teaches nothing, so the RL prompts must lead the model to the operation the
/// fix is about, without naming the risk. The tasks and settings are data
/// (`Resources/pattern-tasks.json`), written for this project from the CWE families; the pair decides
/// the family (its CWE, else the operations on the lines its fix touched, else its id's hash), and the
/// pair's id picks the templates and the setting, so the choice is deterministic and spread evenly.
public struct PatternTasks: Sendable {
    public struct Task: Codable, Sendable, Equatable { public var style: String; public var text: String }
    public struct Family: Codable, Sendable, Equatable {
        public var id: String
        public var cwes: [String]
        public var operations: [String]
        public var tasks: [Task]
    }
    struct File: Codable {
        var settings: [[String: String]]; var families: [Family]; var fallback: [String]; var withClosers: Bool?
        enum CodingKeys: String, CodingKey { case settings, families, fallback, withClosers = "with_closers" }
    }

    public let settings: [[String: String]]
    public let families: [Family]
    public let fallback: [String]
    /// When set (`"with_closers": true` in the file), each task ends the way users end requests: one of
    /// the short-task templates' closing lines ("Only return the code.", …, or none) in one of their
    /// layouts, chosen per pair and task. Why: the RL prompts are where the reward can punish an answer
    /// without code; the seed-1 proof's RL prompts never asked for "only the code", and its arms widened
    /// the SFT's bare-number answers to such requests (docs/RESULTS.md).
    public let closers: ShortTaskTemplates?

    /// `closingLines`: used when the file sets `with_closers` (by default the bundled short-task templates').
    public init(json: Data, closingLines: ShortTaskTemplates = .bundled) throws {
        let f = try JSONDecoder().decode(File.self, from: json)
        guard !f.settings.isEmpty, !f.families.isEmpty, f.families.allSatisfy({ !$0.tasks.isEmpty }) else {
            throw CocoaError(.coderInvalidValue, userInfo: [NSLocalizedDescriptionKey: "pattern tasks: need settings and families with tasks"])
        }
        let ids = Set(f.families.map(\.id))
        if let bad = f.fallback.first(where: { !ids.contains($0) }) {
            throw CocoaError(.coderInvalidValue, userInfo: [NSLocalizedDescriptionKey: "pattern tasks: fallback names unknown family \(bad)"])
        }
        settings = f.settings; families = f.families; fallback = f.fallback.isEmpty ? f.families.map(\.id) : f.fallback
        closers = f.withClosers == true ? closingLines : nil
    }

    /// The bundled `Resources/pattern-tasks.json` (nil only if the bundle is broken).
    public static let bundled: PatternTasks? = PromptLibrary.resourceText("pattern-tasks.json").flatMap { try? PatternTasks(json: Data($0.utf8)) }

    /// The family for `pair`: the first whose CWE list holds one of the pair's CWEs, else the one whose
    /// operations occur most often on the lines the fix touched (ties in file order), else a fallback
    /// family picked by the pair's id.
    public func family(for pair: VulnerabilityPair) -> Family {
        for cwe in pair.cwes { if let f = families.first(where: { $0.cwes.contains(cwe) }) { return f } }
        let words = Self.touchedIdentifiers(pair)
        var best: (Family, Int)?
        for f in families {
            let score = f.operations.reduce(0) { $0 + (words[$1] ?? 0) }
            if score > 0, score > (best?.1 ?? 0) { best = (f, score) }
        }
        if let best { return best.0 }
        let pick = fallback[Int(StableHash.unit(pair.id, seed: 11) * Double(fallback.count))]
        return families.first { $0.id == pick }!
    }

    /// Up to `count` tasks for `pair` (more are returned when available, so filters can drop some):
    /// the family's templates in an order rotated by the pair's id, each with its own setting.
    public func prompts(for pair: VulnerabilityPair) -> [ImplicitPrompt] {
        let fam = family(for: pair)
        let lang = pair.language == .cpp ? "C++" : "C"
        let start = Int(StableHash.unit(pair.id, seed: 12) * Double(fam.tasks.count))
        let s0 = Int(StableHash.unit(pair.id, seed: 13) * Double(settings.count))
        return (0..<fam.tasks.count).map { i in
            let task = fam.tasks[(start + i) % fam.tasks.count]
            // Consecutive tasks of one pair get settings far apart, so its prompts do not read alike.
            var slots = settings[(s0 + i * 7) % settings.count]
            slots["lang"] = lang
            let close = closers?.closing(id: pair.id, index: i, salt: Self.closerSalt) ?? ""
            return ImplicitPrompt(style: task.style, text: Self.fill(task.text, slots) + close, origin: "pattern")
        }
    }

    /// Keeps a pair's pattern tasks' closers independent of its short-task prompts' closers.
    static let closerSalt: UInt64 = 100

    static func fill(_ template: String, _ slots: [String: String]) -> String {
        var out = template
        for (k, v) in slots { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
        return out
    }

    /// Identifier counts (`strcpy`, `len`, …) on the vulnerable function's lines the fix touched, with one
    /// line of context on each side. The whole function is lexed, so words in comments and string literals
    /// do not count (a comment saying "unlike system()" is not a command), and a touched line inside a block
    /// comment is read as the comment it is.
    static func touchedIdentifiers(_ pair: VulnerabilityPair) -> [String: Int] {
        let code = pair.vulnerableCode
        let lineCount = code.components(separatedBy: "\n").count
        var keep = Set<Int>()
        for l in SpanDiff.touchedLines(from: code, to: pair.fixedCode) {
            for k in (l - 1)...(l + 1) where k >= 1 && k <= lineCount { keep.insert(k) }
        }
        let bytes = Array(code.utf8)
        var out: [String: Int] = [:]
        for t in CLexer.lex(bytes).tokens where t.kind == .identifier && keep.contains(Int(t.line)) {
            out[String(decoding: bytes[Int(t.start)..<Int(t.end)], as: UTF8.self), default: 0] += 1
        }
        return out
    }
}
