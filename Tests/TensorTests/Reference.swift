// Float64 reference implementations of every op's forward, written as plainly as possible.
import Foundation
@testable import Tensor

enum Ref {
    static func broadcast(_ a: [Double], _ sa: [Int], _ b: [Double], _ sb: [Int], _ f: (Double, Double) -> Double) -> [Double] {
        let plan = try! Broadcast(sa, sb, op: "ref")
        let n = plan.shape.reduce(1, *)
        return (0..<n).map { i in f(a[plan.ia(i)], b[plan.ib(i, b.count)]) }
    }

    static func linear(_ x: [Double], _ w: [Double], _ b: [Double]?, N: Int, I: Int, O: Int) -> [Double] {
        var y = [Double](repeating: 0, count: N * O)
        for n in 0..<N { for o in 0..<O {
            var s = b?[o] ?? 0
            for i in 0..<I { s += x[n * I + i] * w[o * I + i] }
            y[n * O + o] = s
        } }
        return y
    }

    static func rmsNorm(_ x: [Double], _ w: [Double], C: Int, eps: Double) -> [Double] {
        var y = x
        for n in 0..<(x.count / C) {
            var ss = 0.0
            for c in 0..<C { ss += x[n * C + c] * x[n * C + c] }
            let r = 1 / (ss / Double(C) + eps).squareRoot()
            for c in 0..<C { y[n * C + c] = x[n * C + c] * r * w[c] }
        }
        return y
    }

    static func rope(_ x: [Double], positions: [Int32], D: Int, base: Double, layout: RopeLayout) -> [Double] {
        var y = x
        let N = positions.count, H = x.count / N / D, P = D / 2
        for n in 0..<N { for h in 0..<H { for i in 0..<P {
            let theta = Double(positions[n]) / pow(base, Double(2 * i) / Double(D))
            let (ka, kb) = layout == .halfSplit ? (i, i + P) : (2 * i, 2 * i + 1)
            let o = (n * H + h) * D
            y[o + ka] = x[o + ka] * cos(theta) - x[o + kb] * sin(theta)
            y[o + kb] = x[o + ka] * sin(theta) + x[o + kb] * cos(theta)
        } } }
        return y
    }

    static func attention(_ q: [Double], _ k: [Double], _ v: [Double], mask: [Float]?, B: Int, T: Int, H: Int, G: Int, D: Int) -> [Double] {
        var out = [Double](repeating: 0, count: q.count)
        for b in 0..<B { for h in 0..<H { for t in 0..<T {
            let g = h / (H / G)
            var scores = [Double](), keys = [Int]()
            for s in 0...t where mask == nil || mask![b * T + s] != 0 {
                var dot = 0.0
                for d in 0..<D { dot += q[((b * T + t) * H + h) * D + d] * k[((b * T + s) * G + g) * D + d] }
                scores.append(dot / Double(D).squareRoot()); keys.append(s)
            }
            guard let mx = scores.max() else { continue }
            let e = scores.map { exp($0 - mx) }, z = e.reduce(0, +)
            for (j, s) in keys.enumerated() { for d in 0..<D {
                out[((b * T + t) * H + h) * D + d] += e[j] / z * v[((b * T + s) * G + g) * D + d]
            } }
        } } }
        return out
    }

    static func lse(_ row: ArraySlice<Double>) -> Double {
        let mx = row.max()!
        return mx + log(row.reduce(0) { $0 + exp($1 - mx) })
    }

    static func logSoftmax(_ x: [Double], V: Int) -> [Double] {
        var y = x
        for n in 0..<(x.count / V) {
            let l = lse(x[(n * V)..<((n + 1) * V)])
            for j in 0..<V { y[n * V + j] = x[n * V + j] - l }
        }
        return y
    }

    static func entropy(_ x: [Double], V: Int) -> [Double] {
        let lp = logSoftmax(x, V: V)
        return (0..<(x.count / V)).map { n in -(0..<V).reduce(0) { $0 + exp(lp[n * V + $1]) * lp[n * V + $1] } }
    }

    static func kl(_ x: [Double], _ q: [Double], V: Int) -> [Double] {
        let lp = logSoftmax(x, V: V), lq = logSoftmax(q, V: V)
        return (0..<(x.count / V)).map { n in (0..<V).reduce(0) { $0 + exp(lp[n * V + $1]) * (lp[n * V + $1] - lq[n * V + $1]) } }
    }

    static func crossEntropy(_ logits: [Double], targets: [Int32], weights: [Float]?, ignore: Int32, V: Int) -> Double {
        let lp = logSoftmax(logits, V: V)
        var total = 0.0, kept = 0
        for (n, t) in targets.enumerated() where t != ignore {
            total += Double(weights?[n] ?? 1) * -lp[n * V + Int(t)]
            kept += 1
        }
        return total / Double(max(kept, 1))
    }
}
