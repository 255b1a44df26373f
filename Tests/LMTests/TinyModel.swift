// Tiny random configs and batches shared by the LM tests (no downloads).
import Foundation
@testable import LM
import Tensor

enum Tiny {
    static func config(qwen: Bool = false, tied: Bool = true) -> LlamaConfig {
        LlamaConfig(modelType: qwen ? "qwen2" : "llama", hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4,
                    numKeyValueHeads: 2, intermediateSize: 24, vocabSize: 37, ropeTheta: 10000, rmsNormEps: 1e-5,
                    tieWordEmbeddings: tied, attentionBias: qwen)
    }

    static func model(qwen: Bool = false, tied: Bool = true, seed: UInt64 = 1, lora: LoRAConfig? = nil) throws -> LlamaModel {
        var rng = SeededRNG(seed: seed)
        return try LlamaModel(config: config(qwen: qwen, tied: tied), lora: lora, rng: &rng)
    }

    /// A deterministic (B, T) batch with next-token targets.
    static func batch(B: Int = 2, T: Int = 8, V: Int = 37, seed: UInt64 = 5) -> TokenBatch {
        var rng = SeededRNG(seed: seed)
        let stream = (0..<(B * (T + 1))).map { _ in Int32(rng.next() % UInt64(V)) }
        var tokens = [Int32](), targets = [Int32]()
        for b in 0..<B {
            let row = Array(stream[(b * (T + 1))..<((b + 1) * (T + 1))])
            tokens += row.dropLast()
            targets += row.dropFirst()
        }
        return TokenBatch(tokens: tokens, targets: targets, batch: B)
    }

    static func session(seed: UInt64 = 3) throws -> TrainingSession {
        TrainingSession(model: try model(), optimizer: AdamWConfig(learningRate: 1e-2, weightDecay: 0.1),
                        schedule: LRSchedule(kind: .cosine, peak: 1e-2, warmupSteps: 2, totalSteps: 20), maxGradNorm: 1, seed: seed)
    }

    static func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("srcode-lmtests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    }
}
