// The SafeCoder unlikelihood term: push down the probability of vulnerable-span tokens, built from tape ops.
import Foundation
import LM
import Tensor

/// Mean unlikelihood loss over the non-ignored targets:
///
///     UL = (1/|S|) Σ_{n∈S} −log(1 − p_n),   p_n = exp(−nll_n) = p(target_n | prefix)
///
/// where S are the targets that are not `ignoreIndex` (the vulnerable-span tokens of the paired
/// vulnerable answer). Why this form (Welleck et al. 2019, used by SafeCoder): it is 0 when the
/// model gives the token no mass and grows without bound as p → 1, so it only acts where the model
/// still prefers the vulnerable token; its gradient wrt the logit of the target is p (softmax
/// Jacobian scaled by p/(1−p)), so it fades once the token is unlikely — unlike maximizing nll,
/// which would keep pushing and wreck the shared prefix.
///
/// `1 − p` is clamped to `[eps, 1]` so that a near-certain token gives a large but finite loss.
/// Ignored targets have nll 0 (p = 1), which the mask zeroes before the sum.
///
/// - Parameters:
///   - hidden: final hidden states (N, C) of the vulnerable sequences.
///   - head: the LM head (V, C).
///   - targets: (N) next tokens, `ignoreIndex` outside the vulnerable spans.
/// - Returns: a scalar tensor (0 when no target is kept).
public func unlikelihoodLoss(hidden: Tensor, head: Tensor, targets: [Int32], ignoreIndex: Int32 = -100,
                             eps: Float = 1e-5) throws -> Tensor {
    let kept = targets.filter { $0 != ignoreIndex }.count
    let nll = try tokenNLL(hidden, head: head, targets: targets, ignoreIndex: ignoreIndex)            // (N)
    let p = try exp(scale(nll, -1))                                                                   // (N)
    let oneMinusP = try clamp(scale(p, -1, plus: 1), min: eps, max: 1)                                // (N)
    let mask = try Tensor(shape: [targets.count], values: targets.map { $0 == ignoreIndex ? 0 : 1 })  // (N)
    let perToken = try mul(scale(log(oneMinusP), -1), mask)                                           // (N)
    return try scale(sum(perToken), 1 / Float(max(kept, 1)))
}

extension LlamaModel {
    /// ``unlikelihoodLoss(hidden:head:targets:ignoreIndex:eps:)`` of (B, T) `tokens` under this model.
    public func unlikelihoodLoss(tokens: [Int32], targets: [Int32], batch B: Int) throws -> Tensor {
        let h = try hiddenStates(tokens: tokens, batch: B)
        return try Trainer.unlikelihoodLoss(hidden: h, head: head, targets: targets)
    }
}
