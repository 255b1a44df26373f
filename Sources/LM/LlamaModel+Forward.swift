// The training forward pass: embedding → decoder blocks → final norm, then loss, logits or values.
import Foundation
import Tensor

// Legend: B batch, T time, N = B·T, C hidden, H/G query/KV heads, D head dim, V vocab.

extension LlamaModel {
    /// Final RMS-normalized hidden states (N, C) for `tokens` laid out row-major as (B, T).
    /// - Parameters:
    ///   - positions: per-token RoPE positions (N); defaults to 0..<T in every row.
    ///   - keyMask: optional (N) 1/0 mask; 0 marks padding that no query may attend to.
    public func hiddenStates(tokens: [Int32], batch B: Int, positions: [Int32]? = nil, keyMask: Tensor? = nil) throws -> Tensor {
        guard B > 0, !tokens.isEmpty, tokens.count % B == 0 else {
            throw TensorError.shapeMismatch(op: "LlamaModel.forward", detail: "\(tokens.count) tokens do not split into \(B) rows")
        }
        let T = tokens.count / B
        let pos = positions ?? (0..<B).flatMap { _ in (0..<T).map { Int32($0) } }
        guard pos.count == tokens.count else {
            throw TensorError.shapeMismatch(op: "LlamaModel.forward", detail: "\(pos.count) positions for \(tokens.count) tokens")
        }
        var x = try embedding(embedTokens, tokens: tokens)                     // (N, C)
        for layer in layers { x = try block(layer, x, batch: B, positions: pos, keyMask: keyMask) }
        return try rmsNorm(x, norm, eps: config.rmsNormEps)                      // (N, C)
    }

    /// One pre-norm decoder block: x + attn(norm(x)), then + mlp(norm(·)).
    func block(_ l: DecoderLayer, _ x: Tensor, batch B: Int, positions: [Int32], keyMask: Tensor?) throws -> Tensor {
        let (H, G, D, eps) = (config.numAttentionHeads, config.numKeyValueHeads, config.resolvedHeadDim, config.rmsNormEps)
        let h = try rmsNorm(x, l.inputNorm, eps: eps)                                                    // (N, C)
        let q = try rope(l.q(h), positions: positions, headDim: D, base: config.ropeTheta, layout: ropeLayout) // (N, H·D)
        let k = try rope(l.k(h), positions: positions, headDim: D, base: config.ropeTheta, layout: ropeLayout) // (N, G·D)
        let v = try l.v(h)                                                                               // (N, G·D)
        let a = try attention(q, k, v, batch: B, heads: H, kvHeads: G, headDim: D, keyMask: keyMask)     // (N, H·D)
        let x1 = try add(x, l.o(a))                                                                      // (N, C)
        let h2 = try rmsNorm(x1, l.postNorm, eps: eps)                                                   // (N, C)
        return try add(x1, l.down(swiglu(l.gate(h2), l.up(h2))))                                         // (N, C)
    }

    /// Next-token cross-entropy (fused LM head, vocabulary-chunked): Σ w_n nll_n / #non-ignored.
    /// `targets` are aligned with `tokens` (already shifted by the caller); `ignoreIndex` marks prompt/padding.
    public func loss(
        tokens: [Int32], targets: [Int32], batch B: Int, weights: [Float]? = nil, ignoreIndex: Int32 = -100,
        keyMask: Tensor? = nil
    ) throws -> Tensor {
        guard targets.count == tokens.count else {
            throw TensorError.shapeMismatch(op: "LlamaModel.loss", detail: "\(targets.count) targets for \(tokens.count) tokens")
        }
        let h = try hiddenStates(tokens: tokens, batch: B, keyMask: keyMask)
        return try linearCrossEntropy(h, head: head, targets: targets, weights: weights, ignoreIndex: ignoreIndex)
    }

    /// Per-token log-probabilities of `targets` (N), without materializing logits: PPO's policy term.
    public func tokenLogProbs(hidden: Tensor, targets: [Int32], ignoreIndex: Int32 = -100) throws -> Tensor {
        try scale(tokenNLL(hidden, head: head, targets: targets, ignoreIndex: ignoreIndex), -1)
    }

    /// Full logits (N, V). Materializes N·V floats: use for sampling and entropy on modest N.
    public func logits(hidden: Tensor) throws -> Tensor { try linear(hidden, head) }

    /// The critic's value per token (N).
    public func values(hidden: Tensor) throws -> Tensor {
        try valueHead(hidden).reshaped([hidden.count / config.hiddenSize])
    }
}
