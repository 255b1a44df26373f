// Elementwise ops: broadcast add/sub/mul, scale, exp/log, clamp/min/max/where, SiLU/SwiGLU, reshape.
import Foundation

// Legend: n elements; a, b inputs; y output; d· gradients.

// MARK: - Broadcasting

/// How each output element maps to its inputs under right-aligned (NumPy) broadcasting.
struct Broadcast {
    enum Kind { case same, suffix, general }
    let shape: [Int]
    let kind: Kind
    let aIndex: [Int32], bIndex: [Int32]

    init(_ a: [Int], _ b: [Int], op: String) throws {
        let r = max(a.count, b.count)
        let pa = Array(repeating: 1, count: r - a.count) + a, pb = Array(repeating: 1, count: r - b.count) + b
        var out = [Int]()
        for i in 0..<r {
            guard pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1 else {
                throw TensorError.shapeMismatch(op: op, detail: "cannot broadcast \(a) with \(b)")
            }
            out.append(max(pa[i], pb[i]))
        }
        shape = out
        if a == b { kind = .same; aIndex = []; bIndex = []; return }
        if pa == out, b.reduce(1, *) > 0, Array(out.suffix(b.count)) == b { kind = .suffix; aIndex = []; bIndex = []; return }
        kind = .general
        func strides(_ s: [Int]) -> [Int] {
            var st = [Int](repeating: 0, count: r), acc = 1
            for i in stride(from: r - 1, through: 0, by: -1) { st[i] = s[i] == 1 ? 0 : acc; acc *= s[i] }
            return st
        }
        let sa = strides(pa), sb = strides(pb), n = out.reduce(1, *)
        var ai = [Int32](repeating: 0, count: n), bi = [Int32](repeating: 0, count: n)
        var idx = [Int](repeating: 0, count: r)
        for i in 0..<n {
            var oa = 0, ob = 0
            for d in 0..<r { oa += idx[d] * sa[d]; ob += idx[d] * sb[d] }
            ai[i] = Int32(oa); bi[i] = Int32(ob)
            var d = r - 1
            while d >= 0 { idx[d] += 1; if idx[d] < out[d] { break }; idx[d] = 0; d -= 1 }
        }
        aIndex = ai; bIndex = bi
    }

    /// Element i of the output reads a[ia(i)] and b[ib(i)].
    @inline(__always) func ia(_ i: Int) -> Int { kind == .general ? Int(aIndex[i]) : i }
    @inline(__always) func ib(_ i: Int, _ nb: Int) -> Int {
        switch kind { case .same: i; case .suffix: i % nb; case .general: Int(bIndex[i]) }
    }
}

/// y = f(a, b) elementwise with broadcasting; `f` is one of add/sub/mul.
private func binary(_ op: Op, _ a: Tensor, _ b: Tensor, _ f: @escaping (Float, Float) -> Float) throws -> Tensor {
    let plan = try Broadcast(a.shape, b.shape, op: op.rawValue)
    let y = Tensor(uninitialized: plan.shape)
    let (pa, pb, py, nb) = (a.data, b.data, y.data, b.count)
    if plan.kind == .same {
        parallelFor(y.count, grain: 1 << 14) { r in for i in r { py[i] = f(pa[i], pb[i]) } }
    } else {
        parallelFor(y.count, grain: 1 << 14) { r in for i in r { py[i] = f(pa[plan.ia(i)], pb[plan.ib(i, nb)]) } }
    }
    return try record(op, [a, b], y) { $0.ints = [plan.kind == .same ? 0 : 1] }
}

/// a + b (broadcasting)
public func add(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.add, a, b, +) }
/// a - b (broadcasting)
public func sub(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.sub, a, b, -) }
/// a * b (broadcasting)
public func mul(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.mul, a, b, *) }

/// Backward of y = a ⊕ b for ⊕ ∈ {+, -, *}: da[ia] += dy · ∂y/∂a ; db[ib] += dy · ∂y/∂b (sums over broadcast axes)
func binaryRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let (a, b) = (node.inputs[0], node.inputs[1])
    let plan = try! Broadcast(a.shape, b.shape, op: node.op.rawValue)
    let n = node.output.count, nb = b.count
    let (pa, pb) = (a.data, b.data)
    if a.requiresGrad {
        let da = a.gradBuffer()
        switch node.op {
        case .mul:
            if plan.kind == .general { for i in 0..<n { da[plan.ia(i)] += dy[i] * pb[plan.ib(i, nb)] } }
            else { parallelFor(n, grain: 1 << 14) { r in for i in r { da[i] += dy[i] * pb[plan.ib(i, nb)] } } }
        default:
            if plan.kind == .general { for i in 0..<n { da[plan.ia(i)] += dy[i] } }
            else { parallelFor(n, grain: 1 << 14) { r in for i in r { da[i] += dy[i] } } }
        }
    }
    if b.requiresGrad {
        // Serial: broadcast b positions receive from many outputs.
        let db = b.gradBuffer()
        let sign: Float = node.op == .sub ? -1 : 1
        if node.op == .mul { for i in 0..<n { db[plan.ib(i, nb)] += dy[i] * pa[plan.ia(i)] } }
        else if plan.kind == .same { parallelFor(n, grain: 1 << 14) { r in for i in r { db[i] += sign * dy[i] } } }
        else { for i in 0..<n { db[plan.ib(i, nb)] += sign * dy[i] } }
    }
}

// MARK: - Unary

/// y = f(x) elementwise; floats are stored on the node for the rule.
private func unary(_ op: Op, _ x: Tensor, floats: [Float] = [], _ f: @escaping (Float) -> Float) throws -> Tensor {
    let y = Tensor(uninitialized: x.shape)
    let (px, py) = (x.data, y.data)
    parallelFor(x.count, grain: 1 << 14) { r in for i in r { py[i] = f(px[i]) } }
    return try record(op, [x], y) { $0.floats = floats }
}

/// y = x * s + c
public func scale(_ x: Tensor, _ s: Float, plus c: Float = 0) throws -> Tensor {
    try unary(.scale, x, floats: [s, c]) { $0 * s + c }
}
/// y = exp(x)
public func exp(_ x: Tensor) throws -> Tensor { try unary(.exp, x) { Foundation.exp($0) } }
/// y = log(x)
public func log(_ x: Tensor) throws -> Tensor { try unary(.log, x) { Foundation.log($0) } }
/// y = min(max(x, lo), hi): PPO's ratio clipping. The gradient passes where lo ≤ x ≤ hi (as PyTorch).
public func clamp(_ x: Tensor, min lo: Float, max hi: Float) throws -> Tensor {
    try unary(.clamp, x, floats: [lo, hi]) { Swift.min(Swift.max($0, lo), hi) }
}
/// y = x · σ(x)
public func silu(_ x: Tensor) throws -> Tensor { try unary(.silu, x) { $0 / (1 + Foundation.exp(-$0)) } }

/// Backward of the unary ops, each quoting its forward line.
func unaryRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let (dx, px, py, f) = (x.gradBuffer(), x.data, node.output.data, node.floats)
    let n = x.count
    switch node.op {
    case .scale: // y = x * s + c
        let s = f[0]; parallelFor(n, grain: 1 << 14) { r in for i in r { dx[i] += dy[i] * s } }
    case .exp: // y = exp(x)
        parallelFor(n, grain: 1 << 14) { r in for i in r { dx[i] += dy[i] * py[i] } }
    case .log: // y = log(x)
        parallelFor(n, grain: 1 << 14) { r in for i in r { dx[i] += dy[i] / px[i] } }
    case .clamp: // y = min(max(x, lo), hi)
        let (lo, hi) = (f[0], f[1])
        parallelFor(n, grain: 1 << 14) { r in for i in r where px[i] >= lo && px[i] <= hi { dx[i] += dy[i] } }
    case .silu: // y = x σ(x) ; y' = σ(x) (1 + x (1 - σ(x)))
        parallelFor(n, grain: 1 << 14) { r in
            for i in r { let s = 1 / (1 + Foundation.exp(-px[i])); dx[i] += dy[i] * s * (1 + px[i] * (1 - s)) }
        }
    default: fatalError("unaryRule: \(node.op)")
    }
}

// MARK: - SwiGLU

/// y = silu(gate) * up: the Llama MLP activation fused so the silu output is never stored.
public func swiglu(_ gate: Tensor, _ up: Tensor) throws -> Tensor {
    guard gate.shape == up.shape else {
        throw TensorError.shapeMismatch(op: "swiglu", detail: "gate \(gate.shape) vs up \(up.shape)")
    }
    let y = Tensor(uninitialized: gate.shape)
    let (g, u, py) = (gate.data, up.data, y.data)
    parallelFor(y.count, grain: 1 << 14) { r in for i in r { py[i] = g[i] / (1 + Foundation.exp(-g[i])) * u[i] } }
    return try record(.swiglu, [gate, up], y)
}

/// Backward of `y = g σ(g) · u`: dg += dy u σ(g)(1 + g(1 - σ(g))) ; du += dy g σ(g)
func swigluRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let (gate, up) = (node.inputs[0], node.inputs[1])
    let dg = gate.requiresGrad ? gate.gradBuffer() : nil, du = up.requiresGrad ? up.gradBuffer() : nil
    let (g, u) = (gate.data, up.data)
    parallelFor(gate.count, grain: 1 << 14) { r in
        for i in r {
            let s = 1 / (1 + Foundation.exp(-g[i]))
            if let dg { dg[i] += dy[i] * u[i] * s * (1 + g[i] * (1 - s)) }
            if let du { du[i] += dy[i] * g[i] * s }
        }
    }
}

// MARK: - Binary selection

/// Elementwise minimum of equal-shaped tensors; on ties the gradient is split evenly (as PyTorch).
public func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try select(.minimum, a, b) }
/// Elementwise maximum of equal-shaped tensors; on ties the gradient is split evenly (as PyTorch).
public func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try select(.maximum, a, b) }

private func select(_ op: Op, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.shape == b.shape else { throw TensorError.shapeMismatch(op: op.rawValue, detail: "\(a.shape) vs \(b.shape)") }
    let y = Tensor(uninitialized: a.shape)
    let (pa, pb, py) = (a.data, b.data, y.data)
    let isMin = op == .minimum
    for i in 0..<a.count { py[i] = isMin ? Swift.min(pa[i], pb[i]) : Swift.max(pa[i], pb[i]) }
    return try record(op, [a, b], y)
}

/// y = where(cond, a, b): cond is a 0/1 mask (not differentiated) of the same shape.
public func whereSelect(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard cond.shape == a.shape, a.shape == b.shape else {
        throw TensorError.shapeMismatch(op: "where", detail: "cond \(cond.shape), a \(a.shape), b \(b.shape)")
    }
    let y = Tensor(uninitialized: a.shape)
    let (c, pa, pb, py) = (cond.data, a.data, b.data, y.data)
    for i in 0..<a.count { py[i] = c[i] != 0 ? pa[i] : pb[i] }
    return try record(.whereSelect, [a, b, cond], y)
}

/// Backward of min/max/where: the gradient goes to the operand that was selected.
func selectRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let (a, b) = (node.inputs[0], node.inputs[1])
    let da = a.requiresGrad ? a.gradBuffer() : nil, db = b.requiresGrad ? b.gradBuffer() : nil
    let (pa, pb) = (a.data, b.data)
    for i in 0..<a.count {
        var wa: Float
        switch node.op {
        case .whereSelect: wa = node.inputs[2].data[i] != 0 ? 1 : 0 // y = c ? a : b
        case .minimum: wa = pa[i] < pb[i] ? 1 : (pa[i] == pb[i] ? 0.5 : 0) // y = min(a, b)
        default: wa = pa[i] > pb[i] ? 1 : (pa[i] == pb[i] ? 0.5 : 0) // y = max(a, b)
        }
        da?[i] += dy[i] * wa
        db?[i] += dy[i] * (1 - wa)
    }
}

// MARK: - Reshape

extension Tensor {
    /// A view with a new shape and the same elements (no copy); gradients flow back unchanged.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        guard newShape.reduce(1, *) == count else {
            throw TensorError.shapeMismatch(op: "reshape", detail: "\(name) \(shape) → \(newShape)")
        }
        let y = Tensor(view: storage, offset: offset, shape: newShape, name: "")
        return try record(.reshape, [self], y)
    }
}

/// Backward of reshape: dx += dy (same element order)
func reshapeRule(_ node: Node, _ dy: UnsafeMutablePointer<Float>) {
    let x = node.inputs[0]
    guard x.requiresGrad else { return }
    let dx = x.gradBuffer()
    parallelFor(x.count, grain: 1 << 14) { r in for i in r { dx[i] += dy[i] } }
}
