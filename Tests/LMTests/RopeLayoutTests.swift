// The two RoPE layouts agree once Q/K rows are permuted the way llama.cpp's converter permutes them.
import Foundation
import Testing
@testable import LM
import Tensor

@Suite struct RopeLayoutTests {
    /// HF → GGUF permutation of a projection's output rows, per head: new row 2i + j ← old row j·D/2 + i.
    func permuteRows(_ t: Tensor, heads: Int) {
        let rows = t.shape[0], cols = t.count / rows, D = rows / heads
        let old = t.values
        for h in 0..<heads { for i in 0..<(D / 2) { for j in 0..<2 {
            let dst = (h * D + 2 * i + j) * cols, src = (h * D + j * D / 2 + i) * cols
            for c in 0..<cols { t.data[dst + c] = old[src + c] }
        } } }
    }

    @Test func adjacentLayoutWithPermutedWeightsMatchesHalfSplit() throws {
        let hf = try Tiny.model(qwen: true)
        let gguf = try Tiny.model(qwen: true)
        gguf.ropeLayout = .adjacent
        let c = gguf.config
        for l in gguf.layers {
            for (p, heads) in [(l.q, c.numAttentionHeads), (l.k, c.numKeyValueHeads)] {
                permuteRows(p.weight, heads: heads)
                if let b = p.bias { permuteRows(b, heads: heads) }
            }
        }
        let b = Tiny.batch()
        let a = try withNoGrad { try hf.hiddenStates(tokens: b.tokens, batch: 2) }.values
        let g = try withNoGrad { try gguf.hiddenStates(tokens: b.tokens, batch: 2) }.values
        #expect(zip(a, g).allSatisfy { abs($0 - $1) < 1e-5 })
    }
}
