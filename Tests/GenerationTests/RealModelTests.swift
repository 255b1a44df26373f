// Tests on the real default GGUFs from the model cache: llama.cpp parity, the Paris answer, chat templates.
// They skip (printing why) when the models are not pulled; CI pulls them in scripts/setup.sh.
import Foundation
@testable import LM
import ModelIO
import Testing

enum RealModels {
    static let names = ["smollm2", "qwen2.5-coder-0.5b"]

    /// The cached GGUF path of an embedded default, or nil (with the reason printed).
    static func path(_ name: String) -> String? {
        if let p = ModelStore.default.cachedPath(name) { return p }
        print("SKIP: model \(name) is not in \(ModelStore.default.root); run `srcode model pull \(name)`")
        return nil
    }

    nonisolated(unsafe) static var loaded: [String: Generator] = [:]
    static let lock = NSLock()
    static func generator(_ name: String) throws -> Generator? {
        lock.lock(); defer { lock.unlock() }
        if let g = loaded[name] { return g }
        guard let p = path(name) else { return nil }
        let g = try Generator.load(path: p)
        loaded[name] = g
        return g
    }

    static func fixture(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw LMError.io(path: name, reason: "fixture missing")
        }
        return try Data(contentsOf: url)
    }
}

@Suite(.serialized, .timeLimit(.minutes(20))) struct RealModelTests {
    struct Reference: Decodable {
        struct Model: Decodable { var prompts: [Prompt] }
        struct Prompt: Decodable {
            var prompt: String
            var tokens: [Int32]
            var top1: Int
            var top5: [Int]
            var top5_logits: [Float]
            var first_logits: [Float]
            var last_logits: [Float]
        }
        var models: [String: Model]
    }

    /// Top-1 next token equals llama.cpp's on all 50 prompts; prints the max-abs logit difference over
    /// the stored slices (first/last position logits[0..<16] and the top-5 logits).
    @Test(arguments: RealModels.names)
    func llamaCppParity(model name: String) throws {
        guard let gen = try RealModels.generator(name) else { return }
        guard Bundle.module.url(forResource: "Fixtures/llama-reference.json", withExtension: nil) != nil else {
            print("SKIP: Fixtures/llama-reference.json absent; make it with dev/llama_reference.py")
            return
        }
        let ref = try JSONDecoder().decode(Reference.self, from: RealModels.fixture("llama-reference.json"))
        let prompts = try #require(ref.models[name]?.prompts)
        #expect(prompts.count == 50)
        let V = gen.model.vocabSize
        var maxDiff: Float = 0, mismatches: [String] = []
        var ourTokensEqual = 0
        for p in prompts {
            if gen.encode(p.prompt) == p.tokens { ourTokensEqual += 1 }
            let cache = gen.model.makeCache(sequences: 1, capacity: p.tokens.count)
            let logits = try gen.model.forward(tokens: p.tokens, sequence: 0, cache: cache)
            let first = logits[0..<V], last = logits[(logits.count - V)...]
            let top = last.indices.max { last[$0] < last[$1] }! - (logits.count - V)
            if top != p.top1 { mismatches.append("\(p.prompt.prefix(30).debugDescription): ours \(top) vs \(p.top1)") }
            for i in 0..<16 {
                maxDiff = max(maxDiff, abs(first[first.startIndex + i] - p.first_logits[i]), abs(last[last.startIndex + i] - p.last_logits[i]))
            }
            for (t, l) in zip(p.top5, p.top5_logits) { maxDiff = max(maxDiff, abs(last[last.startIndex + t] - l)) }
        }
        print("PARITY \(name): top-1 \(50 - mismatches.count)/50 match llama.cpp; max |Δlogit| = \(maxDiff); our tokenizer equal on \(ourTokensEqual)/50")
        for m in mismatches { print("  PARITY \(name) mismatch: \(m)") }
        // Measured 2026-11-25 (docs/GENERATION.md, "llama.cpp's arithmetic, bit for bit"): the inference
        // path computes what llama.cpp's CPU backend computes (its expf, attention order, f16 rounding,
        // RoPE contraction, Q8 grid, and its batch kernels' float order for Q4_K and Q6_K), so every
        // stored logit equals llama.cpp's to the fixture's 4 decimals on both models.
        let bound: (mismatches: Int, maxDiff: Float) = (0, 0.001)
        #expect(mismatches.count <= bound.mismatches, "\(mismatches)")
        #expect(ourTokensEqual == 50)
        #expect(maxDiff < bound.maxDiff)
    }

    @Test func answersParis() throws {
        guard let gen = try RealModels.generator("qwen2.5-coder-0.5b") else { return }
        let prompt = gen.encode(gen.chat.render([(role: "user", content: "What is the capital of France?")]))
        let r = try gen.generate(prompts: [prompt], params: .greedy(maxTokens: 32))[0]
        print("ANSWER: \(r.text.debugDescription) (\(r.finishReason))")
        #expect(r.text.contains("Paris"))
        #expect(r.tokens.count == r.logprobs.count)
    }

    @Test(arguments: RealModels.names)
    func chatTemplateMatchesJinja(model name: String) throws {
        guard let gen = try RealModels.generator(name) else { return }
        struct Case: Decodable {
            struct M: Decodable { var role: String; var content: String }
            var messages: [M]
            var add_generation_prompt: Bool
            var text: String
        }
        let cases = try JSONDecoder().decode([String: [Case]].self, from: RealModels.fixture("chat-reference.json"))
        for c in try #require(cases[name]) {
            let ours = gen.chat.render(c.messages.map { (role: $0.role, content: $0.content) }, addGenerationPrompt: c.add_generation_prompt)
            #expect(ours == c.text)
        }
    }
}
