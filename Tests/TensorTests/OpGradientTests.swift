// Finite-difference gradient checks of every op against its Float64 reference.
import Foundation
import Testing
@testable import Tensor

@Suite struct OpGradientTests {
    @Test func gradientTableCoversEveryOp() {
        #expect(opsMissingGradientRule.isEmpty, "ops without a rule: \(opsMissingGradientRule)")
    }

    @Test(arguments: [[3, 4], [4], [1, 4], [3, 1], [2, 3, 4]])
    func broadcastArithmetic(bShape: [Int]) throws {
        let a = param([2, 3, 4], seed: 1, name: "a"), b = param(bShape, seed: 2, name: "b")
        let sa = a.shape, sb = b.shape
        try checkGradients("add \(bShape)", inputs: [a, b], forward: { try add($0[0], $0[1]) },
                           reference: { Ref.broadcast($0[0], sa, $0[1], sb, +) })
        try checkGradients("sub \(bShape)", inputs: [a, b], forward: { try sub($0[0], $0[1]) },
                           reference: { Ref.broadcast($0[0], sa, $0[1], sb, -) })
        try checkGradients("mul \(bShape)", inputs: [a, b], forward: { try mul($0[0], $0[1]) },
                           reference: { Ref.broadcast($0[0], sa, $0[1], sb, *) })
    }

    @Test func unaryOps() throws {
        let x = param([5, 7], seed: 3)
        try checkGradients("scale", inputs: [x], forward: { try scale($0[0], 1.5, plus: 0.25) },
                           reference: { $0[0].map { $0 * 1.5 + 0.25 } })
        try checkGradients("exp", inputs: [x], forward: { try exp($0[0]) }, reference: { $0[0].map { Foundation.exp($0) } })
        let pos = param([5, 7], seed: 4, range: 0.5...2)
        try checkGradients("log", inputs: [pos], forward: { try log($0[0]) }, reference: { $0[0].map { Foundation.log($0) } })
        try checkGradients("clamp", inputs: [x], forward: { try clamp($0[0], min: -0.5, max: 0.6) },
                           reference: { $0[0].map { min(max($0, -0.5), 0.6) } })
        try checkGradients("silu", inputs: [x], forward: { try silu($0[0]) },
                           reference: { $0[0].map { $0 / (1 + Foundation.exp(-$0)) } })
        try checkGradients("reshape", inputs: [x], forward: { try $0[0].reshaped([35]) }, reference: { $0[0] })
        try checkGradients("sum", inputs: [x], forward: { try sum($0[0]) }, reference: { [$0[0].reduce(0, +)] })
        try checkGradients("mean", inputs: [x], forward: { try mean($0[0]) }, reference: { [$0[0].reduce(0, +) / 35] })
    }

    @Test func selectionOps() throws {
        let a = param([4, 6], seed: 5), b = param([4, 6], seed: 6)
        let cond = try Tensor(shape: [4, 6], values: randomValues(24, seed: 7).map { $0 > 0 ? 1 : 0 })
        try checkGradients("minimum", inputs: [a, b], forward: { try minimum($0[0], $0[1]) },
                           reference: { zip($0[0], $0[1]).map { min($0, $1) } })
        try checkGradients("maximum", inputs: [a, b], forward: { try maximum($0[0], $0[1]) },
                           reference: { zip($0[0], $0[1]).map { max($0, $1) } })
        let c = cond.values
        try checkGradients("where", inputs: [a, b], forward: { try whereSelect(cond, $0[0], $0[1]) },
                           reference: { x in (0..<24).map { c[$0] != 0 ? x[0][$0] : x[1][$0] } })
    }

    @Test func swigluOp() throws {
        let g = param([3, 8], seed: 8), u = param([3, 8], seed: 9)
        try checkGradients("swiglu", inputs: [g, u], forward: { try swiglu($0[0], $0[1]) },
                           reference: { zip($0[0], $0[1]).map { $0 / (1 + Foundation.exp(-$0)) * $1 } })
    }

    @Test func linearWithAndWithoutBias() throws {
        let x = param([2, 3, 5], seed: 10), w = param([4, 5], seed: 11), b = param([4], seed: 12)
        try checkGradients("linear+bias", inputs: [x, w, b], forward: { try linear($0[0], $0[1], $0[2]) },
                           reference: { Ref.linear($0[0], $0[1], $0[2], N: 6, I: 5, O: 4) })
        try checkGradients("linear", inputs: [x, w], forward: { try linear($0[0], $0[1]) },
                           reference: { Ref.linear($0[0], $0[1], nil, N: 6, I: 5, O: 4) })
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedMatmul(transposes: (Bool, Bool)) throws {
        let (tA, tB) = transposes
        let (M, K, P) = (3, 4, 5)
        let a = param(tA ? [2, K, M] : [2, M, K], seed: 13), b = param(tB ? [2, P, K] : [2, K, P], seed: 14)
        try checkGradients("matmul \(transposes)", inputs: [a, b],
                           forward: { try matmul($0[0], $0[1], transposeA: tA, transposeB: tB) },
                           reference: { x in
            var y = [Double]()
            for n in 0..<2 { for m in 0..<M { for p in 0..<P {
                var s = 0.0
                for k in 0..<K {
                    let av = x[0][n * M * K + (tA ? k * M + m : m * K + k)]
                    let bv = x[1][n * K * P + (tB ? p * K + k : k * P + p)]
                    s += av * bv
                }
                y.append(s)
            } } }
            return y
        })
        // A 2-D right operand is shared by every batch.
        let shared = param([K, P], seed: 15), a2 = param([2, M, K], seed: 16)
        try checkGradients("matmul shared", inputs: [a2, shared], forward: { try matmul($0[0], $0[1]) }, reference: { x in
            var y = [Double]()
            for n in 0..<2 { for m in 0..<M { for p in 0..<P {
                y.append((0..<K).reduce(0) { $0 + x[0][n * M * K + m * K + $1] * x[1][$1 * P + p] })
            } } }
            return y
        })
    }

    @Test func embeddingScatterAdd() throws {
        let table = param([6, 4], seed: 17)
        let tokens: [Int32] = [1, 5, 1, 0, 3, 1]  // repeats exercise the scatter-add
        try checkGradients("embedding", inputs: [table], forward: { try embedding($0[0], tokens: tokens) },
                           reference: { x in tokens.flatMap { t in (0..<4).map { x[0][Int(t) * 4 + $0] } } })
    }

    @Test func rmsNormOp() throws {
        let x = param([5, 8], seed: 18), w = param([8], seed: 19, range: 0.5...1.5)
        try checkGradients("rmsNorm", inputs: [x, w], forward: { try rmsNorm($0[0], $0[1], eps: 1e-5) },
                           reference: { Ref.rmsNorm($0[0], $0[1], C: 8, eps: 1e-5) })
    }

    @Test(arguments: [RopeLayout.halfSplit, .adjacent])
    func ropeOp(layout: RopeLayout) throws {
        let x = param([4, 2 * 6], seed: 20)
        let positions: [Int32] = [0, 1, 7, 30]
        try checkGradients("rope \(layout)", inputs: [x],
                           forward: { try rope($0[0], positions: positions, headDim: 6, base: 10000, layout: layout) },
                           reference: { Ref.rope($0[0], positions: positions, D: 6, base: 10000, layout: layout) })
    }

    @Test(arguments: [false, true])
    func groupedQueryAttention(masked: Bool) throws {
        let (B, T, H, G, D) = (2, 5, 4, 2, 3)
        let q = param([B * T, H * D], seed: 21), k = param([B * T, G * D], seed: 22), v = param([B * T, G * D], seed: 23)
        let maskValues: [Float] = [1, 1, 0, 1, 1, 0, 1, 1, 1, 0]  // b=1 has its first key padded
        let mask = masked ? try Tensor(shape: [B * T], values: maskValues) : nil
        try checkGradients("attention masked=\(masked)", inputs: [q, k, v],
                           forward: { try attention($0[0], $0[1], $0[2], batch: B, heads: H, kvHeads: G, headDim: D, keyMask: mask) },
                           reference: { Ref.attention($0[0], $0[1], $0[2], mask: masked ? maskValues : nil, B: B, T: T, H: H, G: G, D: D) })
    }

    /// The products run per causal row block (each block against the keys it can see); split into 1–4
    /// blocks, forward and backward give what one block over all T × T gives (which the gradient check
    /// above holds to finite differences), with and without padded keys.
    @Test(arguments: [false, true])
    func attentionRowBlocksMatchTheWholeProduct(masked: Bool) throws {
        let (B, T, H, G, D) = (2, 11, 4, 2, 3)
        var rng = SeededRNG(seed: 31)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &rng) } }
        let q = random(B * T * H * D), k = random(B * T * G * D), v = random(B * T * G * D), dout = random(B * T * H * D)
        var mask = [Float](repeating: 1, count: B * T)
        if masked { mask[0] = 0; mask[T + 1] = 0; mask[T + 2] = 0 }
        func run(_ minRows: Int) -> [[Float]] {
            var out = [Float](repeating: 0, count: B * T * H * D), att = [Float](repeating: 0, count: B * H * T * T)
            var dq = [Float](repeating: 0, count: q.count), dk = [Float](repeating: 0, count: k.count), dv = dk
            mask.withUnsafeBufferPointer { m in
                attentionForward(&out, &att, q, k, v, masked ? m.baseAddress! : nil, B: B, T: T, H: H, G: G, D: D, minBlockRows: minRows)
            }
            attentionBackward(dq: &dq, dk: &dk, dv: &dv, dout: dout, q: q, k: k, v: v, att: att, B: B, T: T, H: H, G: G, D: D,
                              minBlockRows: minRows)
            return [out, att, dq, dk, dv]
        }
        #expect(causalRowBlocks(T, minRows: 2).count == 4 && causalRowBlocks(T, minRows: 4).count == 2)
        #expect(causalRowBlocks(300).count == 2 && causalRowBlocks(520).count == 4 && causalRowBlocks(200).count == 1)
        let whole = run(T + 1)
        for minRows in [2, 4] {
            for (name, (a, b)) in zip(["out", "att", "dq", "dk", "dv"], zip(run(minRows), whole)) {
                let diff = zip(a, b).map { abs($0 - $1) }.max() ?? 0
                #expect(diff < 1e-5, "\(name), blocks of ≥ \(minRows) rows: max |Δ| \(diff)")
            }
        }
    }

    @Test func softmaxFamily() throws {
        let x = param([4, 7], seed: 24, range: -2...2)
        let idx: [Int32] = [3, 0, -1, 6]
        try checkGradients("logSoftmax", inputs: [x], forward: { try logSoftmax($0[0]) }, reference: { Ref.logSoftmax($0[0], V: 7) })
        try checkGradients("gatherRows", inputs: [x], forward: { try gatherRows($0[0], indices: idx) },
                           reference: { x in idx.enumerated().map { $1 < 0 ? 0 : x[0][$0 * 7 + Int($1)] } })
        try checkGradients("entropy", inputs: [x], forward: { try entropy($0[0]) }, reference: { Ref.entropy($0[0], V: 7) })
        let q = param([4, 7], seed: 27, range: -2...2), q64 = q.values.map(Double.init)
        try checkGradients("klDivergence", inputs: [x], forward: { try klDivergence($0[0], reference: q) },
                           reference: { Ref.kl($0[0], q64, V: 7) })
        let rows: [Int32] = [3, 1, 3]
        try checkGradients("selectRows", inputs: [x], forward: { try selectRows($0[0], rows: rows) },
                           reference: { x in rows.flatMap { r in (0..<7).map { x[0][Int(r) * 7 + $0] } } })
        let targets: [Int32] = [2, -100, 6, 0], weights: [Float] = [0.5, 3, -1, 2]
        try checkGradients("crossEntropy", inputs: [x],
                           forward: { try crossEntropy($0[0], targets: targets, weights: weights) },
                           reference: { [Ref.crossEntropy($0[0], targets: targets, weights: weights, ignore: -100, V: 7)] })
    }

    @Test func fusedLinearCrossEntropy() throws {
        let (N, C, V) = (6, 5, 9)
        let h = param([N, C], seed: 25), w = param([V, C], seed: 26)
        let targets: [Int32] = [1, 8, -100, 0, 4, 4], weights: [Float] = [1, 0.5, 1, 2, -0.5, 1]
        try checkGradients("linearCrossEntropy", inputs: [h, w],
                           forward: { try linearCrossEntropy($0[0], head: $0[1], targets: targets, weights: weights) },
                           reference: { x in
            [Ref.crossEntropy(Ref.linear(x[0], x[1], nil, N: N, I: C, O: V), targets: targets, weights: weights, ignore: -100, V: V)]
        })
        try checkGradients("tokenNLL", inputs: [h, w], forward: { try tokenNLL($0[0], head: $0[1], targets: targets) },
                           reference: { x in
            let lp = Ref.logSoftmax(Ref.linear(x[0], x[1], nil, N: N, I: C, O: V), V: V)
            return targets.enumerated().map { $1 == -100 ? 0 : -lp[$0 * V + Int($1)] }
        })
    }

    /// The head's GEMMs run on counted rows only (prompt positions are skipped): rows with no target
    /// must still get exactly 0 loss and 0 gradient, also when no row counts at all.
    @Test func headSkipsRowsThatDoNotCount() throws {
        let (N, C, V) = (4, 3, 7)
        let h = param([N, C], seed: 27), w = param([V, C], seed: 28)
        let none: [Int32] = [-100, -100, -100, -100]
        let nll = try tokenNLL(h, head: w, targets: none)
        #expect(nll.values == [0, 0, 0, 0])
        try sum(nll).backward()
        #expect(h.grad!.values.allSatisfy { $0 == 0 } && w.grad!.values.allSatisfy { $0 == 0 })
        h.zeroGrad(); w.zeroGrad()
        let ce = try linearCrossEntropy(h, head: w, targets: [-100, 2, -100, 5])
        try ce.backward()
        let gh = h.grad!.values
        #expect((0..<C).allSatisfy { gh[$0] == 0 && gh[2 * C + $0] == 0 })
        #expect((0..<C).contains { gh[C + $0] != 0 })
    }
}

/// Variable-length batches must not grow the pool without bound (they once did, to an OOM kill).
@Test func bufferPoolSharesSizeClassesAndStaysUnderItsCap() {
    #expect(BufferPool.sizeClass(1000) == 1024 && BufferPool.sizeClass(1025) == 1152 && BufferPool.sizeClass(16) == 16)
    #expect((17..<5000).allSatisfy { BufferPool.sizeClass($0) >= $0 && Double(BufferPool.sizeClass($0)) <= Double($0) * 1.125 + 1 })
    let pool = BufferPool()
    pool.capacityBytes = 64 << 10
    for n in stride(from: 1000, to: 9000, by: 37) {  // every "batch" a new length
        let p = pool.take(n)
        pool.give(p, n)
    }
    #expect(pool.pooledBytes <= 64 << 10)
    let before = pool.allocations
    let again = pool.take(1020)  // same class as 1000..1023: served from the free list
    #expect(pool.allocations == before)
    pool.give(again, 1020)
}
