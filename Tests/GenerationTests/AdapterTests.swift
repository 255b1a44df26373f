// A trained policy in the fast decoder: LoRA merged from the live model or a checkpoint, and full weights.
import Foundation
@testable import LM
import ModelIO
import Tensor
import Testing

@Suite struct AdapterTests {
    /// Reference logits of the training model and the decoder's, on the same tokens.
    func maxLogitGap(_ m: LlamaModel, _ inf: InferenceModel) throws -> Float {
        let tokens: [Int32] = [3, 17, 42, 8, 8, 29, 1, 44, 12]
        let reference = try withNoGrad { try m.logits(hidden: m.hiddenStates(tokens: tokens, batch: 1)) }
        let cache = inf.makeCache(sequences: 1, capacity: 16)
        cache.halfPrecision = false  // exact keys and values: this compares adapters, not cache precision
        let got = try inf.forward(tokens: tokens, sequence: 0, cache: cache)
        return (0..<reference.count).map { abs(got[$0] - reference.data[$0]) }.max() ?? 0
    }

    /// Moves every LoRA B (zero at init) and, without LoRA, every weight, so the policy differs from its base.
    func train(_ m: LlamaModel) {
        var rng = SeededRNG(seed: 11)
        for (_, t) in m.trainableParameters() {
            for i in 0..<t.count { t.data[i] += 0.05 * rng.normal() }
        }
    }

    @Test(arguments: [(false, false), (false, true), (true, false)])
    func loRAMergedFromTheLiveModel(qwen: Bool, adjacent: Bool) throws {
        let (m, inf) = try TinyGen.pair(qwen: qwen, adjacent: adjacent)
        var rng = SeededRNG(seed: 5)
        try m.addLoRA(LoRAConfig(rank: 4, alpha: 8, targets: ["q_proj", "k_proj", "o_proj", "down_proj"]), rng: &rng)
        train(m)
        #expect(try maxLogitGap(m, inf) > 1e-3, "training moved the policy away from the base")
        #expect(try maxLogitGap(m, inf.adapted(from: m)) < 1e-4)
    }

    @Test func loRAFromACheckpointAndFullWeights() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("adapter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // LoRA: the checkpoint's metadata carries α/r.
        let (m, inf) = try TinyGen.pair(qwen: false, adjacent: true)
        var rng = SeededRNG(seed: 5)
        try m.addLoRA(LoRAConfig(rank: 2, alpha: 6, targets: ["v_proj", "k_proj"]), rng: &rng)
        train(m)
        let lora = dir.appendingPathComponent("lora.safetensors")
        try Checkpoint.save(model: m, optimizer: AdamW(parameters: m.trainableParameters()), step: 3, rng: rng, to: lora)
        #expect(try maxLogitGap(m, inf.adapted(checkpoint: lora.path)) < 1e-4)
        // Full fine-tuning: every weight comes from the checkpoint.
        let (f, finf) = try TinyGen.pair(qwen: true, seed: 9)
        train(f)
        let full = dir.appendingPathComponent("full.safetensors")
        try Checkpoint.save(model: f, optimizer: AdamW(parameters: f.trainableParameters()), step: 1, rng: rng, to: full)
        #expect(try maxLogitGap(f, finf.adapted(checkpoint: full.path)) < 1e-4)
    }
}
