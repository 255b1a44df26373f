// SFT's drift regularizer: the whole-vocabulary KL of the fine-tuned model's next-token distribution from the base's.
import LM
import Tensor

extension LlamaModel {
    /// The answer cross-entropy (as `loss(tokens:targets:…)`) and the mean over answer positions of
    /// KL(π_θ ‖ π_base), π_base being this model with its adapters switched off (no gradient); nil when no
    /// position is an answer position.
    ///
    /// Why: five SFT checks showed the fine-tune drifting on prompts unlike its own (bare numbers for "only
    /// return the code", HumanEval points lost; docs/RESULTS.md "Fixing the SFT stage"). The cross-entropy
    /// only sees the target token; the KL sees every change the update makes to the distribution at each
    /// answer position, and pulls it back toward the base. Cost: one more forward pass without gradient, and
    /// the LM head on the answer rows twice.
    func answerLossAndKLToBase(tokens: [Int32], targets: [Int32], batch B: Int, weights: [Float]?,
                               ignoreIndex: Int32 = SFTExample.ignore) throws -> (ce: Tensor, kl: Tensor?) {
        let h = try hiddenStates(tokens: tokens, batch: B)
        let ce = try linearCrossEntropy(h, head: head, targets: targets, weights: weights, ignoreIndex: ignoreIndex)
        let rows = targets.indices.filter { targets[$0] != ignoreIndex }.map { Int32($0) }
        guard !rows.isEmpty else { return (ce, nil) }
        let reference = try withNoGrad {
            try withoutAdapters { try logits(hidden: selectRows(hiddenStates(tokens: tokens, batch: B), rows: rows)) }
        }
        let kl = try mean(klDivergence(logits(hidden: selectRows(h, rows: rows)), reference: reference))
        return (ce, kl)
    }
}
