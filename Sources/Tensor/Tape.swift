// Tape: records each op as it runs forward, then replays the gradient rules in reverse (reverse-mode autodiff).
import Foundation

/// Every differentiable operation of the engine. Each case has exactly one row in `gradientRules`.
public enum Op: String, CaseIterable, Sendable {
    case add, sub, mul, scale, reshape
    case linear, matmul, embedding
    case rmsNorm, rope, attention
    case silu, swiglu
    case logSoftmax, gatherRows, entropy, klDivergence, selectRows, crossEntropy, tokenNLL, linearCrossEntropy
    case sum, mean, exp, log, clamp, minimum, maximum, whereSelect
}

/// One recorded op: its inputs, its output, and whatever the backward rule needs that is not an input.
final class Node {
    let op: Op
    let inputs: [Tensor]
    let output: Tensor
    /// Extra buffers saved by forward (e.g. RMSNorm's rstd, attention probabilities).
    var saved: [Tensor] = []
    /// Integer side inputs (token ids, targets, positions).
    var indices: [Int32] = []
    /// Scalar attributes (eps, scale, clamp bounds) and per-token weights.
    var floats: [Float] = []
    /// Dimension attributes (B, T, H, …) and flags.
    var ints: [Int] = []

    init(op: Op, inputs: [Tensor], output: Tensor) {
        self.op = op
        self.inputs = inputs
        self.output = output
    }

    /// A readable label for error messages: `linear(x, model.layers.0.mlp.up_proj.weight)`.
    var label: String { "\(op.rawValue)(\(inputs.map { $0.name.isEmpty ? "\($0.shape)" : $0.name }.joined(separator: ", ")))" }
}

/// Per-thread tape storage: each thread that runs ops records on its own tape, so independent
/// computations (parallel tests, a rollout thread next to a trainer) never interleave their records.
private let tapeKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { p in if let p { Unmanaged<Tape>.fromOpaque(p).release() } }
    return key
}()

/// The recording state of the calling thread. A training loop drives it from one thread; kernels
/// parallelize inside ops, and their worker threads never record.
public final class Tape: @unchecked Sendable {
    /// The calling thread's tape.
    public static var current: Tape {
        if let p = pthread_getspecific(tapeKey) { return Unmanaged<Tape>.fromOpaque(p).takeUnretainedValue() }
        let tape = Tape()
        pthread_setspecific(tapeKey, Unmanaged.passRetained(tape).toOpaque())
        return tape
    }

    var nodes: [Node] = []
    /// When false, ops run forward only and record nothing (inference, rollouts).
    public var gradEnabled = true
    /// Debug flag: check every op output and every gradient for NaN/Inf and throw naming the tensor.
    public var checkFinite = false

    /// Fresh buffer allocations made by ops on this thread (flat across steps once the pool is warm).
    public internal(set) var allocations = 0

    /// Number of ops recorded since the last backward or reset.
    public var recordedCount: Int { nodes.count }

    /// Forgets every recorded op (e.g. after a forward whose loss will not be differentiated).
    public func reset() { nodes.removeAll(keepingCapacity: true) }
}

/// Runs `body` without recording: no tape growth, no saved activations, outputs never require grad.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    let tape = Tape.current
    let previous = tape.gradEnabled
    tape.gradEnabled = false
    defer { tape.gradEnabled = previous }
    return try body()
}

/// Whether an op over `inputs` must be recorded.
@inline(__always)
func needsGrad(_ inputs: [Tensor]) -> Bool {
    Tape.current.gradEnabled && inputs.contains { $0.requiresGrad }
}

/// Records `out` as the result of `op` if any input needs a gradient; `configure` stores side data.
@discardableResult
func record(_ op: Op, _ inputs: [Tensor], _ out: Tensor, _ configure: (Node) -> Void = { _ in }) throws -> Tensor {
    out.isLeaf = false
    if needsGrad(inputs) {
        out.requiresGrad = true
        let node = Node(op: op, inputs: inputs, output: out)
        configure(node)
        Tape.current.nodes.append(node)
    }
    if out.name.isEmpty { out.name = op.rawValue }
    if Tape.current.checkFinite, !isFinite(out) {
        let label = "\(op.rawValue)(\(inputs.map { $0.name.isEmpty ? "\($0.shape)" : $0.name }.joined(separator: ", ")))"
        throw TensorError.nonFinite(op: label, tensor: out.name, phase: "forward")
    }
    return out
}

/// True when every element is finite.
public func isFinite(_ t: Tensor) -> Bool {
    let p = t.data
    var bad = false
    for i in 0..<t.count where !p[i].isFinite { bad = true; break }
    return !bad
}

extension Tensor {
    /// Back-propagates from this scalar: every tensor that requires grad and fed into it gets
    /// `grad += d(self)/d(tensor) * seed`. Leaves (parameters) keep accumulating across calls, which
    /// is how micro-batches add up; interior gradients are freed as they are consumed. Clears the tape.
    public func backward(seed: Float = 1) throws {
        guard count == 1 else {
            throw TensorError.invalidArgument(op: "backward", detail: "\(name) has shape \(shape); backward needs a scalar")
        }
        let tape = Tape.current
        let nodes = tape.nodes
        tape.nodes = []
        guard requiresGrad else { return }
        gradBuffer()[0] += seed
        for node in nodes.reversed() {
            guard let g = node.output.grad else { continue }
            gradientRules[node.op]!(node, g.data)
            if tape.checkFinite {
                for input in node.inputs where input.requiresGrad {
                    if let ig = input.grad, !isFinite(ig) {
                        throw TensorError.nonFinite(op: node.label, tensor: input.name + ".grad", phase: "backward")
                    }
                }
            }
            node.output.grad = nil
        }
    }
}
