// A misspelt recipe key must not leave its default in force silently.
import Foundation
import Testing
import Tensor
@testable import Trainer

@Suite struct RecipeKeyTests {
    static let yaml = """
    model: tiny
    output: runs/x
    data: {train: x.jsonl, limit: null}
    ppo:
      algorithm: grpo
      kl_betta: 0.1
    rollout:
      samples_per_prompt: 4
      max_new_token: 64
    reward: {level: token, outcome_broken: -2.0, functional: {dense_cap: 0.5}}
    learning_rate: 1.0e-4
    """

    @Test func unknownKeysAreNamedWithTheirLines() throws {
        let recipe = try Recipe.parse(Self.yaml)
        let unknown = Recipe.unknownKeys(Self.yaml, recipe: recipe)
        #expect(unknown.map(\.key).sorted() == ["learning_rate", "ppo.kl_betta", "rollout.max_new_token"])
        #expect(unknown.first { $0.key == "ppo.kl_betta" }?.line == 6)
        #expect(unknown.first { $0.key == "rollout.max_new_token" }?.line == 9)
        // The known keys, nested ones and a null included, are not reported.
        let clean = Self.yaml.replacingOccurrences(of: "kl_betta", with: "kl_beta")
            .replacingOccurrences(of: "max_new_token:", with: "max_new_tokens:")
            .replacingOccurrences(of: "learning_rate: 1.0e-4", with: "seed: 3")
        #expect(Recipe.unknownKeys(clean, recipe: try Recipe.parse(clean)).isEmpty)
    }

    @Test func loadWarnsByDefaultAndFailsWhenStrict() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.yaml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        var warnings: [String] = []
        let r = try Recipe.load(path: file.path, warn: { warnings.append($0) })
        #expect(r.rollout.samplesPerPrompt == 4 && warnings.count == 3)
        #expect(warnings.contains("\(file.path):9: unknown key 'rollout.max_new_token' is ignored"))
        #expect(throws: RecipeError.self) { try Recipe.load(path: file.path, strict: true) }
    }

    /// `precision` defaults to `auto` (bf16 where the CPU has it), reads each value, and names a bad one.
    @Test func precisionKey() throws {
        let base = "model: tiny\noutput: runs/x\ndata: {train: x.jsonl}\n"
        #expect(try Recipe.parse(base).precision == .auto)
        for p in ComputePrecision.allCases {
            let text = base + "precision: \(p.rawValue)\n"
            #expect(try Recipe.parse(text).precision == p)
            #expect(Recipe.unknownKeys(text, recipe: try Recipe.parse(text)).isEmpty)
        }
        #expect(throws: RecipeError.self) { try Recipe.parse(base + "precision: fp8\n", file: "bad.yaml") }
    }

    /// The shipped recipes use only keys the trainer reads.
    @Test func shippedRecipesHaveNoUnknownKeys() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("recipes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for f in files {
            #expect(throws: Never.self, "\(f)") { try Recipe.load(path: dir.appendingPathComponent(f).path, strict: true) }
        }
    }
}
