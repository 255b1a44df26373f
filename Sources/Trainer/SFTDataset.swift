// SFTDataset: train/valid examples and the length-bucketed batch order, a pure function of (seed, micro-batch index).
import Foundation
import LM
import Tensor

/// The examples of one SFT run and the order they are seen in.
///
/// Bucketing: each epoch shuffles the examples, then sorts them by length inside windows of
/// `bucketWindow` batches and cuts batches from the sorted runs, then shuffles the batch order.
/// Rows of one batch then have similar lengths (little padding), while batches still arrive in
/// random order. Packing would waste nothing, but needs block-diagonal attention masks; bucketing
/// keeps the plain causal kernel.
///
/// Resume: the batch of global micro-batch `g` depends only on (seed, g), never on process state,
/// so a resumed run sees exactly the batches the uninterrupted run would have.
public struct SFTDataset {
    public let train: [SFTExample]
    public let valid: [SFTExample]
    public let batchSize: Int
    public let seed: UInt64
    public var bucketWindow = 16

    public init(train: [SFTExample], valid: [SFTExample], batchSize: Int, seed: UInt64) {
        self.train = train
        self.valid = valid
        self.batchSize = max(1, batchSize)
        self.seed = seed
    }

    /// Batches per pass over the training examples.
    public var batchesPerEpoch: Int { (train.count + batchSize - 1) / batchSize }

    /// Example indices of each batch of `epoch`, in the order they are trained on.
    public func epochPlan(_ epoch: Int) -> [[Int]] {
        var rng = SeededRNG(seed: seed &+ 0x5F7 &* UInt64(epoch + 1))
        var order = Array(train.indices)
        order.shuffle(using: &rng)
        let window = batchSize * bucketWindow
        var batches: [[Int]] = []
        for w in stride(from: 0, to: order.count, by: window) {
            let sorted = order[w..<min(order.count, w + window)].sorted { (train[$0].length, $0) < (train[$1].length, $1) }
            for b in stride(from: 0, to: sorted.count, by: batchSize) {
                batches.append(Array(sorted[b..<min(sorted.count, b + batchSize)]))
            }
        }
        batches.shuffle(using: &rng)
        return batches
    }

    /// Example indices of global micro-batch `g` (= step · grad_accumulation + k).
    public func batch(_ g: Int, cache: inout (epoch: Int, plan: [[Int]])?) -> [Int] {
        let n = batchesPerEpoch
        guard n > 0 else { return [] }
        let epoch = g / n
        if cache?.epoch != epoch { cache = (epoch, epochPlan(epoch)) }
        return cache!.plan[g % n]
    }
}

// MARK: - Padding into token batches

/// Right-pads examples to the longest one: padding sits after every real token, so the causal mask
/// already hides it from them, and its targets are ignored. Returns the batch and its loss-carrying
/// token count.
public func padBatch(_ examples: [SFTExample], pad: Int32 = 0) -> (batch: TokenBatch, answerTokens: Int) {
    let T = examples.map(\.length).max() ?? 0
    var tokens: [Int32] = [], targets: [Int32] = [], weights: [Float] = []
    for e in examples {
        let k = T - e.length
        tokens += e.tokens + [Int32](repeating: pad, count: k)
        targets += e.targets + [Int32](repeating: SFTExample.ignore, count: k)
        weights += e.weights + [Float](repeating: 0, count: k)
    }
    return (TokenBatch(tokens: tokens, targets: targets, weights: weights, batch: examples.count),
            examples.reduce(0) { $0 + $1.answerTokens })
}

/// The unlikelihood rows of `examples` (those with a vulnerable counterpart), right-padded; nil if none.
public func padUnlikely(_ examples: [SFTExample], pad: Int32 = 0) -> TokenBatch? {
    let rows = examples.compactMap(\.unlikely)
    guard let T = rows.map(\.tokens.count).max() else { return nil }
    var tokens: [Int32] = [], targets: [Int32] = []
    for r in rows {
        let k = T - r.tokens.count
        tokens += r.tokens + [Int32](repeating: pad, count: k)
        targets += r.targets + [Int32](repeating: SFTExample.ignore, count: k)
    }
    return TokenBatch(tokens: tokens, targets: targets, batch: rows.count)
}
