// The gradient table: one backward rule per op, looked up by the tape during backward.
import Foundation

/// A backward rule reads the node's inputs/saved buffers and the output gradient, and *adds* into
/// the gradients of the inputs that require them (accumulation is what makes fan-out and micro-batches work).
typealias GradientRule = (Node, UnsafeMutablePointer<Float>) -> Void

/// One row per `Op`; a test checks the table covers `Op.allCases`.
let gradientRules: [Op: GradientRule] = [
    .add: binaryRule,
    .sub: binaryRule,
    .mul: binaryRule,
    .scale: unaryRule,
    .reshape: reshapeRule,
    .linear: linearRule,
    .matmul: matmulBackward,
    .embedding: embeddingRule,
    .rmsNorm: rmsNormRule,
    .rope: ropeRule,
    .attention: attentionRule,
    .silu: unaryRule,
    .swiglu: swigluRule,
    .logSoftmax: logSoftmaxRule,
    .gatherRows: gatherRowsRule,
    .entropy: entropyRule,
    .klDivergence: klDivergenceRule,
    .selectRows: selectRowsRule,
    .crossEntropy: crossEntropyRule,
    .tokenNLL: tokenNLLRule,
    .linearCrossEntropy: linearCrossEntropyRule,
    .sum: reduceRule,
    .mean: reduceRule,
    .exp: unaryRule,
    .log: unaryRule,
    .clamp: unaryRule,
    .minimum: selectRule,
    .maximum: selectRule,
    .whereSelect: selectRule,
]

/// Ops without a gradient rule (empty when the table is complete).
public var opsMissingGradientRule: [String] { Op.allCases.filter { gradientRules[$0] == nil }.map(\.rawValue) }
