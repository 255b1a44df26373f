// SFTExample: one (prompt → secure answer) sequence with its loss weights, plus the paired vulnerable answer for unlikelihood.
import Foundation
import LM
import ModelIO
import Rewards
import SRCodeData

/// What example building needs from a tokenizer: ids of a text, and each id's byte length
/// (byte-level BPE tokens concatenate to the text's bytes, so lengths give offsets).
public protocol SFTTokenizer {
    func encodeIDs(_ text: String) -> [Int32]
    func byteCount(of id: Int32) -> Int
}

extension Tokenizer: SFTTokenizer {
    public func encodeIDs(_ text: String) -> [Int32] { encode(text).map(Int32.init) }
    public func byteCount(of id: Int32) -> Int { decodeBytes([Int(id)]).count }
}

/// One training sequence. `targets[i]` is the token after `tokens[i]` (−100 where no loss is taken);
/// `weights[i]` scales that target's loss.
public struct SFTExample: Sendable, Equatable {
    public var tokens: [Int32]
    public var targets: [Int32]
    public var weights: [Float]
    /// The same prompt answered with the vulnerable code; its `targets` are −100 except inside the
    /// vulnerable spans, where the unlikelihood term pushes the probability down. Nil when unused.
    public var unlikely: UnlikelyExample?
    public var recordID: String

    public var length: Int { tokens.count }
    /// Targets that carry loss.
    public var answerTokens: Int { targets.filter { $0 != SFTExample.ignore }.count }

    public static let ignore: Int32 = -100
}

/// The vulnerable counterpart of an example: tokens and the targets inside the vulnerable spans.
public struct UnlikelyExample: Sendable, Equatable {
    public var tokens: [Int32]
    public var targets: [Int32]
}

// MARK: - Building

/// Renders and tokenizes examples the way the model will be prompted at generation time.
///
/// Sequence: `chat.render([user: prompt])` (ends with the assistant header, exactly what
/// `srcode generate --chat` feeds the model) then the answer "```c\n<code>\n```" and the
/// end-of-turn marker. Loss is taken only on the answer and the end-of-turn token, so the model
/// learns to answer, not to reproduce prompts. The answer is the format ``ResponseCode`` extracts.
public struct SFTExampleBuilder {
    public var tokenizer: SFTTokenizer
    public var chat: ChatPrompt
    /// Ids appended after the answer (the end-of-turn marker, e.g. `<|im_end|>`).
    public var endOfTurn: [Int32]
    public var maxLength: Int
    public var secureWeight: Float
    public var unlikelihood: Bool
    /// Drop examples longer than `maxLength` instead of cutting their answer.
    public var dropLong: Bool

    public init(tokenizer: SFTTokenizer, chat: ChatPrompt, endOfTurn: [Int32], maxLength: Int,
                secureWeight: Float = 1, unlikelihood: Bool = false, dropLong: Bool = false) {
        self.tokenizer = tokenizer
        self.chat = chat
        self.endOfTurn = endOfTurn
        self.maxLength = maxLength
        self.secureWeight = secureWeight
        self.unlikelihood = unlikelihood
        self.dropLong = dropLong
    }

    /// The answer text for `code`, and the byte offset of the code inside it.
    public static func answer(code: String, fence: String = "c") -> (text: String, codeOffset: Int) {
        let open = "```\(fence)\n"
        return (open + code + (code.hasSuffix("\n") ? "" : "\n") + "```", open.utf8.count)
    }

    /// One example per prompt of the record. The answers are tokenized once per record and shared
    /// by its prompts. With `dropLong`, prompts whose full example exceeds `maxLength` give nothing
    /// (a cut answer would teach the model to stop mid-function); otherwise the answer is cut.
    public func examples(for r: TrainingRecord) -> [SFTExample] {
        guard let secure = r.secureCode else { return [] }
        // A token never spans more than a few dozen bytes: longer code cannot fit, skip tokenizing it.
        if dropLong, secure.utf8.count > 32 * maxLength { return [] }
        let answer = self.answer(code: secure, fence: r.fence, spans: r.secureSpans, spanWeight: secureWeight, weightOutside: 1)
        let vulnerable = unlikelihood && !r.vulnerableSpans.isEmpty && r.vulnerableCode.utf8.count <= 32 * maxLength
            ? self.answer(code: r.vulnerableCode, fence: r.fence, spans: r.vulnerableSpans, spanWeight: 1, weightOutside: 0) : nil
        return r.prompts.compactMap { p in
            let prompt = tokenizer.encodeIDs(chat.render([(role: "user", content: p.text)]))
            if dropLong, prompt.count + answer.ids.count + endOfTurn.count > maxLength { return nil }
            guard var ex = sequence(prompt: prompt, answer: answer.ids, answerWeights: answer.weights, weightAfter: 1) else { return nil }
            ex.recordID = r.id
            if let vulnerable,
               let v = sequence(prompt: prompt, answer: vulnerable.ids, answerWeights: vulnerable.weights, weightAfter: 0) {
                // Keep only span targets: the rest of the vulnerable answer is often identical to the secure one.
                let targets = zip(v.targets, v.weights).map { $1 > 0 ? $0 : SFTExample.ignore }
                if targets.contains(where: { $0 != SFTExample.ignore }) { ex.unlikely = UnlikelyExample(tokens: v.tokens, targets: targets) }
            }
            return ex
        }
    }

    /// A replay pair's example: the response verbatim as the answer, every token weighted 1. A whole answer
    /// must fit `maxLength` with its end of turn (nil otherwise: cutting it would teach stopping mid-answer);
    /// a `cut` pair's answer has no end-of-turn target and is cut to `maxLength`.
    public func replayExample(_ p: ReplayPair) -> SFTExample? {
        let prompt = tokenizer.encodeIDs(chat.render([(role: "user", content: p.prompt)]))
        let answer = tokenizer.encodeIDs(p.response)
        let cut = p.cut ?? false
        guard cut || prompt.count + answer.count + endOfTurn.count <= maxLength else { return nil }
        guard var ex = sequence(prompt: prompt, answer: answer, answerWeights: [Float](repeating: 1, count: answer.count),
                                weightAfter: 1, end: !cut)
        else { return nil }
        ex.recordID = "replay"
        return ex
    }

    /// The answer's ids, each weighted `spanWeight` inside `spans` (Unicode-scalar ranges of `code`)
    /// and `weightOutside` elsewhere.
    func answer(code: String, fence: String, spans: [CharSpan], spanWeight: Float, weightOutside: Float) -> (ids: [Int32], weights: [Float]) {
        let (text, codeOffset) = Self.answer(code: code, fence: fence)
        let ids = tokenizer.encodeIDs(text)
        var weights = [Float](repeating: weightOutside, count: ids.count)
        guard !spans.isEmpty, spanWeight != weightOutside else { return (ids, weights) }
        let offsets = TokenSpans(tokenByteCounts: ids.map { tokenizer.byteCount(of: $0) })
        // Byte offsets only line up when the tokens spell the text exactly (true for byte-level BPE).
        guard offsets.byteCount == text.utf8.count else { return (ids, weights) }
        let bytes = Self.scalarToByteOffsets(code)
        for s in spans where s.start < s.end && s.start >= 0 && s.end < bytes.count {
            for t in offsets.tokens(overlapping: codeOffset + bytes[s.start], codeOffset + bytes[s.end]) { weights[t] = spanWeight }
        }
        return (ids, weights)
    }

    /// prompt ++ answer ++ endOfTurn (without it when `end` is false), cut to `maxLength`; the end-of-turn
    /// targets weigh `weightAfter`.
    func sequence(prompt: [Int32], answer: [Int32], answerWeights: [Float], weightAfter: Float, end: Bool = true) -> SFTExample? {
        let all = prompt + answer + (end ? endOfTurn : [])
        let n = min(all.count, maxLength)
        guard n > prompt.count else { return nil }
        let tokens = Array(all[0..<(n - 1)])
        var targets = [Int32](repeating: SFTExample.ignore, count: n - 1)
        var weights = [Float](repeating: 0, count: n - 1)
        // Position i predicts all[i + 1]; answer tokens start at index prompt.count.
        for i in (prompt.count - 1)..<(n - 1) {
            let j = i + 1 - prompt.count
            targets[i] = all[i + 1]
            weights[i] = j < answer.count ? answerWeights[j] : weightAfter
        }
        return SFTExample(tokens: tokens, targets: targets, weights: weights, unlikely: nil, recordID: "")
    }

    /// `out[k]` = UTF-8 byte offset of the k-th Unicode scalar (with one extra entry for the end).
    static func scalarToByteOffsets(_ s: String) -> [Int] {
        var out: [Int] = [], pos = 0
        out.reserveCapacity(s.unicodeScalars.count + 1)
        for u in s.unicodeScalars { out.append(pos); pos += String(u).utf8.count }
        out.append(pos)
        return out
    }
}
