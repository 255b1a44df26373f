// Reward diagnostics: firing rates, flagged-versus-clean token statistics and worked examples, on crafted and tiny-model rollouts.
import Foundation
import Testing
import LM
@testable import Rewards
import Tensor
@testable import Trainer

@Suite(.serialized) struct RewardDiagnosticsTests {
    /// A rewarded sample whose "tokens" are 4-byte pieces of `text` (token id = piece index + offset).
    func sample(_ text: String, record: String, composer: RewardComposer, pieces: inout [Int32: String]) async -> ScoredSample {
        let b = Array(text.utf8)
        let chunks = stride(from: 0, to: b.count, by: 4).map { Array(b[$0..<min($0 + 4, b.count)]) }
        let base = Int32(pieces.count)
        var ids: [Int32] = []
        for (i, c) in chunks.enumerated() { ids.append(base + Int32(i)); pieces[base + Int32(i)] = String(decoding: c, as: UTF8.self) }
        let r = await composer.compose(tokenBytes: chunks, reference: nil)
        return ScoredSample(recordID: record, prompt: "Write it.", rollout: Rollout(promptTokens: [1], responseTokens: ids, rewards: r.perToken, group: 0),
                            text: text, reward: r, truncated: false)
    }

    @Test func reportsFiringRatesTokenStatisticsAndExamples() async throws {
        var config = RewardConfig()
        config.outcomeBroken = -2
        config.functional = FunctionalConfig()
        let composer = RewardComposer(config: config, compile: { _ in true })
        var pieces: [Int32: String] = [:]
        let flawed = "```c\nvoid greet(const char *name) {\n    char buf[16];\n    strcpy(buf, name);\n    printf(\"%s\\n\", buf);\n}\n```"
        let clean = "```c\nint add_values(int a, int b) {\n    int s = a + b;\n    return s;\n}\n```"
        var samples: [ScoredSample] = []
        samples.append(await sample(flawed, record: "a", composer: composer, pieces: &pieces))
        samples.append(await sample(clean, record: "b", composer: composer, pieces: &pieces))
        samples.append(await sample(clean, record: "c", composer: composer, pieces: &pieces))
        samples.append(await sample("No code here.", record: "d", composer: composer, pieces: &pieces))
        #expect(samples[0].reward.vulnerable)
        let d = RewardDiagnostics(samples, examples: 2) { pieces[$0] ?? "?" }
        #expect(d.rollouts == 4)
        #expect(d.firing["oracle"] == 0.25 && d.firing["any_dense"] == 0.25)
        #expect(d.outcomes["vulnerable"] == 0.25 && d.outcomes["clean"] == 0.5 && d.outcomes["broken"] == 0.25 && d.outcomes["no_code"] == 0.25)
        #expect(d.flagged.samples == 1 && d.flagged.mean < 0 && d.flagged.std > 0 && d.flagged.nonzeroShare > 0)
        #expect(d.clean.samples == 2 && d.clean.mean == 0 && d.clean.nonzeroShare == 0)
        // The flagged sample comes first, its penalized tokens marked on the text.
        #expect(d.examples.count == 2 && d.examples[0].record == "a")
        #expect(d.examples[0].annotated.contains("⟦"))
        let plain = d.examples[0].annotated.replacingOccurrences(of: #"⟦|⟧\{[+-][0-9.]+\}"#, with: "", options: .regularExpression)
        #expect(plain == flawed)
        let md = d.markdown()
        #expect(md.contains("| oracle | 25.0% |") && md.contains("## Worked examples") && md.contains("~~~~text"))
        let json = try JSONEncoder().encode(d)
        #expect(try JSONDecoder().decode(RewardDiagnostics.self, from: json).firing == d.firing)
    }

    /// The whole command path on a tiny random model: N rollouts sampled, rewarded and summarized.
    @Test func collectsRolloutsFromATinyModel() async throws {
        var recipe = TinyRL.recipe(output: "/tmp/unused", steps: 1)
        recipe.rollout.samplesPerPrompt = 2
        recipe.rollout.batchSize = 4
        let (policy, gen) = try TinyRL.models(seed: 2, lora: recipe.lora!)
        let sampler = RolloutSampler(base: gen, composer: RewardComposer(config: recipe.reward, compile: { _ in true }))
        let record = TinyRL.record()
        let items = record.prompts.map { (record: record, prompt: $0) }
        var seen: [Int] = []
        let samples = try await RewardDiagnostics.collect(policy: policy, sampler: sampler, items: items, rollouts: 7,
                                                          config: recipe.rollout, seed: 1) { seen.append($0) }
        #expect(samples.count == 7 && seen.last == 7)
        #expect(samples.allSatisfy { $0.rollout.responseTokens.count <= recipe.rollout.maxNewTokens && $0.rollout.rewards.count == $0.rollout.responseTokens.count })
        let d = RewardDiagnostics(samples, examples: 3) { sampler.tokenizer.decode([Int($0)]) }
        #expect(d.rollouts == 7 && d.examples.count == 3)
        let shares = ["clean", "vulnerable", "broken"].map { d.outcomes[$0]! }.reduce(0, +)
        #expect(abs(shares - 1) < 1e-9)
        #expect(d.markdown().contains("7 rollouts"))
    }
}
