// The wording of the offline short-task prompts, from data.
import Foundation
import SRCodeData

/// Templates for the offline short-task prompts (`Resources/short-task-templates.json`): several
/// phrasings per style, ways to state the return type, and closing lines such as "Only return the code.".
///
/// Why several: these prompts are the SFT data's instructions, and one fixed phrasing is learned as a
/// format. The proof's SFT stage saw only "It takes … and returns `long`." and afterwards answered
/// requests ending in "Only return the code" with a bare number (docs/RESULTS.md). The SFT checks of
/// session 18 found the wording alone moved that little (7.5% → 6.7% of CyberSecEval answers, within
/// noise) and the learning rate more; the templates stay because varied instructions are what users send.
/// Each pair's prompts pick their template, return clause and closer by a hash of the pair's id, so the
/// data stay deterministic and the phrasings spread evenly over the pairs.
public struct ShortTaskTemplates: Sendable, Equatable, Decodable {
    public var shortFunction: [String]
    public var shortProgram: [String]
    public var returns: [String]
    public var returnsNothing: [String]
    public var closers: [String]
    /// Where a closer goes, each with a `{closer}` slot: on the same line, after a blank line, as an
    /// indented block. Added because the SFT model seemed to misread code-only requests after a blank line;
    /// that reading was noise (the base model does the same on scripts/format_probe.py) and the layouts did
    /// not lower the bare-number rate (docs/RESULTS.md). They stay because users send requests laid out so.
    public var closerLayouts: [String]
    /// The layout of templates that name none: the closer on the same line, as before the layouts.
    public static let sameLine = [" {closer}"]

    enum CodingKeys: String, CodingKey {
        case shortFunction = "short-function", shortProgram = "short-program", returns
        case returnsNothing = "returns_nothing", closers, closerLayouts = "closer_layouts"
    }

    public init(shortFunction: [String], shortProgram: [String], returns: [String], returnsNothing: [String], closers: [String],
                closerLayouts: [String] = sameLine) {
        self.shortFunction = shortFunction; self.shortProgram = shortProgram
        self.returns = returns; self.returnsNothing = returnsNothing; self.closers = closers; self.closerLayouts = closerLayouts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(shortFunction: try c.decode([String].self, forKey: .shortFunction), shortProgram: try c.decode([String].self, forKey: .shortProgram),
                  returns: try c.decode([String].self, forKey: .returns), returnsNothing: try c.decode([String].self, forKey: .returnsNothing),
                  closers: try c.decode([String].self, forKey: .closers),
                  closerLayouts: try c.decodeIfPresent([String].self, forKey: .closerLayouts) ?? Self.sameLine)
    }

    public init(json: Data) throws {
        self = try JSONDecoder().decode(ShortTaskTemplates.self, from: json)
        guard ![shortFunction, shortProgram, returns, returnsNothing, closers, closerLayouts].contains(where: \.isEmpty),
              closerLayouts.allSatisfy({ $0.contains("{closer}") }) else {
            throw CocoaError(.coderInvalidValue, userInfo: [NSLocalizedDescriptionKey: "short-task templates: every list needs at least one entry, every closer layout a {closer} slot"])
        }
    }

    /// The bundled templates; the single phrasing of earlier builds if the bundle is broken.
    public static let bundled: ShortTaskTemplates = PromptLibrary.resourceText("short-task-templates.json")
        .flatMap { try? ShortTaskTemplates(json: Data($0.utf8)) } ?? .single

    /// The one phrasing every offline short-task prompt had before these templates (the proof's seed-1 data).
    public static let single = ShortTaskTemplates(
        shortFunction: ["Write a self-contained {lang} function `{name}` ({purpose}). It takes {params} and {returns}. Define any struct or helper it needs yourself, use only the standard library, and keep the whole answer under 60 lines."],
        shortProgram: ["Write a small complete {lang} program (under 60 lines, standard library only) built around a function `{name}` that does this: {purpose}. The function takes {params} and {returns}; `main` should call it on a sample input and print the result."],
        returns: ["returns {type}"], returnsNothing: ["returns nothing"], closers: [""])

    /// The prompt of `style` (`short-function` or `short-program`) for the pair `id`; `index` is the
    /// prompt's place among the pair's prompts, so a pair's two prompts choose independently.
    /// `returnType` is "nothing" for a function without a result (``FunctionFacts``).
    func render(style: String, index: Int, id: String, lang: String, name: String, purpose: String,
                params: String, returnType: String) -> String {
        func pick(_ list: [String], _ seed: UInt64) -> String {
            list[min(list.count - 1, Int(StableHash.unit(id, seed: seed + UInt64(index) * 10) * Double(list.count)))]
        }
        let template = pick(style == "short-program" ? shortProgram : shortFunction, 21)
        let clause = returnType == "nothing" ? pick(returnsNothing, 22) : pick(returns, 23).replacingOccurrences(of: "{type}", with: returnType)
        var text = template
        for (k, v) in [("lang", lang), ("name", name), ("purpose", purpose), ("params", params), ("returns", clause)] {
            text = text.replacingOccurrences(of: "{\(k)}", with: v)
        }
        return text + closing(id: id, index: index)
    }

    /// What ends the prompt `index` of pair `id`: one of the closers in one of the layouts, or nothing
    /// (the empty closers). `salt` lets another prompt style (``PatternTasks``) choose independently of
    /// the short-task prompts of the same pair; salt 0 is the short-task prompts' own choice.
    public func closing(id: String, index: Int, salt: UInt64 = 0) -> String {
        func pick(_ list: [String], _ seed: UInt64) -> String {
            list[min(list.count - 1, Int(StableHash.unit(id, seed: seed + salt + UInt64(index) * 10) * Double(list.count)))]
        }
        let closer = pick(closers, 24)
        return closer.isEmpty ? "" : pick(closerLayouts, 25).replacingOccurrences(of: "{closer}", with: closer)
    }
}
