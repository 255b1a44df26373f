// RMSNorm: y = x / rms(x) * w, fused into one pass forward and one pass backward per row.
import Foundation

// Legend: N rows (tokens), C channels, rstd = 1/sqrt(mean(x²) + eps) per row.

/// out (N,C) = x (N,C) * rstd (N) * w (C)
func rmsNormForward(
    _ out: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
    _ w: UnsafePointer<Float>, N: Int, C: Int, eps: Float
) {
    parallelFor(N, grain: 16) { rows in
        for n in rows {
            let xr = x + n * C, yr = out + n * C
            var ss: Float = 0
            for c in 0..<C { ss += xr[c] * xr[c] }
            let r = 1 / (ss / Float(C) + eps).squareRoot()
            rstd[n] = r
            for c in 0..<C { yr[c] = xr[c] * r * w[c] }
        }
    }
}

/// Backward of `out = x * rstd * w`:
///   dx = rstd · (w·dout − x · rstd² · mean(w·dout·x)) ; dw += Σ_n dout · x · rstd
/// dw is summed per chunk into `partial` (chunks, C) and combined in chunk order (deterministic).
func rmsNormBackward(
    dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
    x: UnsafePointer<Float>, w: UnsafePointer<Float>, rstd: UnsafePointer<Float>, N: Int, C: Int
) {
    let chunks = parallelChunks(N, grain: 16)
    let partial = Tensor(zeros: [chunks, C])
    let pp = partial.data
    parallelForChunks(N, grain: 16) { chunk, rows in
        let acc = pp + chunk * C
        for n in rows {
            let xr = x + n * C, gr = dout + n * C, r = rstd[n]
            if let dx {
                var dot: Float = 0
                for c in 0..<C { dot += w[c] * gr[c] * xr[c] }
                let k = r * r * dot / Float(C)
                let dxr = dx + n * C
                for c in 0..<C { dxr[c] += r * (w[c] * gr[c] - xr[c] * k) }
            }
            if dw != nil { for c in 0..<C { acc[c] += gr[c] * xr[c] * r } }
        }
    }
    if let dw { for k in 0..<chunks { for c in 0..<C { dw[c] += pp[k * C + c] } } }
}

/// RMS-normalizes the last axis of `x` (…, C) and scales by `weight` (C).
public func rmsNorm(_ x: Tensor, _ weight: Tensor, eps: Float) throws -> Tensor {
    guard let C = x.shape.last, weight.shape == [C] else {
        throw TensorError.shapeMismatch(op: "rmsNorm", detail: "x \(x.shape) with \(weight.name) \(weight.shape)")
    }
    let N = x.count / max(C, 1)
    let y = Tensor(uninitialized: x.shape), rstd = Tensor(uninitialized: [N])
    rmsNormForward(y.data, rstd.data, x.data, weight.data, N: N, C: C, eps: eps)
    return try record(.rmsNorm, [x, weight], y) { $0.saved = [rstd]; $0.ints = [N, C] }
}

func rmsNormRule(_ node: Node, _ dout: UnsafeMutablePointer<Float>) {
    let (x, w) = (node.inputs[0], node.inputs[1])
    rmsNormBackward(
        dx: x.requiresGrad ? x.gradBuffer() : nil, dw: w.requiresGrad ? w.gradBuffer() : nil, dout: dout,
        x: x.data, w: w.data, rstd: node.saved[0].data, N: node.ints[0], C: node.ints[1])
}
