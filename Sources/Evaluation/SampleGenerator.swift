// SampleGenerator: what evaluation needs from a model (user prompts in, answers out), so tests can fake it.
import Foundation
import LM

/// One generated answer.
public struct GeneratedText: Sendable {
    public var text: String
    public var tokens: Int
    public var finishReason: String
    public init(text: String, tokens: Int = 0, finishReason: String = "stop") {
        self.text = text
        self.tokens = tokens
        self.finishReason = finishReason
    }
}

/// Produces answers for a batch of user prompts.
///
/// `firstStream` is the global index of the batch's first sample: sample `i` of the batch must draw
/// from stream `firstStream + i`, so a sample's randomness depends only on its place in the whole
/// run, not on how the run was batched or where it resumed.
public protocol SampleGenerator: AnyObject {
    func generate(prompts: [String], firstStream: Int) throws -> [GeneratedText]
}

/// The real thing: LM's batched ``Generator``, each prompt wrapped as a user turn of the model's chat
/// template (as `srcode generate --chat` does).
public final class LMSampleGenerator: SampleGenerator {
    public let generator: Generator
    public var params: SamplingParams
    /// A structural stop (execution benchmarks stop at the end of the first code block).
    public var stopRule: StopRule?
    /// The start of every answer, written into the prompt after the assistant header (EvalPlus opens
    /// the code fence for the model); it is also the start of each returned text.
    public var answerPrefix = ""

    public init(generator: Generator, params: SamplingParams) {
        self.generator = generator
        self.params = params
    }

    public func generate(prompts: [String], firstStream: Int) throws -> [GeneratedText] {
        let ids = prompts.map { generator.encode(generator.chat.render([(role: "user", content: $0)]) + answerPrefix) }
        var p = params
        p.seed = params.seed &+ UInt64(firstStream)  // Generator gives sequence i the stream seed + i.
        return try generator.generate(prompts: ids, params: p, stopRule: stopRule, answerPrefix: answerPrefix).map {
            GeneratedText(text: answerPrefix + $0.text, tokens: $0.tokens.count, finishReason: $0.finishReason.rawValue)
        }
    }
}

/// The policy path: the trainable model (readied by `LlamaModel.prepareForSampling`: frozen, an adapter
/// as a side path, bf16 GEMMs where they run) sampling all prompts of a batch at once.
///
/// Why it is the default for `eval secure`: evaluation samples many sequences, and one GEMM per weight
/// over every row beats the quantized decoder, whose kernels read each weight once per row
/// (docs/SRCODE.md). It also evaluates a fine-tuned model the way RL sampled it (base dequantized from
/// the same file, at the same precision, the adapter beside it), not an F32/quantized mix.
public final class PolicySampleGenerator: SampleGenerator {
    public let model: LlamaModel
    public let generator: Generator
    public var params: SamplingParams
    public var batchSize: Int
    public var stopRule: StopRule?
    public var answerPrefix = ""

    /// `generator` supplies the tokenizer, chat format and stop tokens of the same model file.
    public init(model: LlamaModel, generator: Generator, params: SamplingParams, batchSize: Int) {
        self.model = model
        self.generator = generator
        self.params = params
        self.batchSize = batchSize
    }

    public func generate(prompts: [String], firstStream: Int) throws -> [GeneratedText] {
        let ids = prompts.map { generator.encode(generator.chat.render([(role: "user", content: $0)]) + answerPrefix) }
        var p = params
        p.seed = params.seed &+ UInt64(firstStream)
        return try model.generate(prompts: ids, params: p, stopTokens: generator.stopTokens, tokenizer: generator.tokenizer,
                                  batchSize: batchSize, stopRule: stopRule, answerPrefix: answerPrefix).map {
            GeneratedText(text: answerPrefix + $0.text, tokens: $0.tokens.count, finishReason: $0.finishReason.rawValue)
        }
    }
}
