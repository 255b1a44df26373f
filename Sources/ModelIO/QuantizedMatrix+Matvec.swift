// y = W·x and Y = X·Wᵀ (batch ≤ 8) over a QuantizedMatrix, split over threads by rows.
import Foundation

extension QuantizedMatrix {
    /// y[r] = Σ_c W[r, c]·x[c] for all rows.
    ///
    /// - Parameters:
    ///   - x: `columns` activations.
    ///   - y: `rows` outputs (overwritten).
    public func matvec(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matmul(x, batch: 1, into: y)
    }

    public func matvec(_ x: [Float], into y: inout [Float]) {
        precondition(x.count == columns && y.count == rows, "matvec: x has \(x.count) (need \(columns)), y has \(y.count) (need \(rows))")
        x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { yb in matvec(xb.baseAddress!, into: yb.baseAddress!) } }
    }

    /// Y[b, r] = Σ_c W[r, c]·X[b, c] for a small batch (decode of B sequences at once, B ≤ 8 is the
    /// intended use; each weight row is read once and applied to every sequence while cached).
    ///
    /// - Parameters:
    ///   - x: `(batch, columns)` row-major.
    ///   - y: `(batch, rows)` row-major, overwritten.
    public func matmul(_ x: UnsafePointer<Float>, batch: Int, into y: UnsafeMutablePointer<Float>) {
        let k = columns, groups = max(k / 16, 1)
        let sx = UnsafeMutablePointer<Float>.allocate(capacity: batch * groups)
        let xp = UnsafeMutablePointer<Float>.allocate(capacity: batch * k)
        defer { sx.deallocate(); xp.deallocate() }
        for b in 0..<batch {
            groupSums16(x + b * k, count: k - k % 16, into: sx + b * groups)
            permuteActivations(x + b * k, count: k, into: xp + b * k)
        }
        let work = rows * columns
        let nt = work >= 1 << 18 ? max(1, min(Self.threads, rows)) : 1
        let chunk = (rows + nt - 1) / nt
        let job = MatmulJob(type: type, rows: rows, k: k, groups: groups, rowBytes: rowBytes, chunk: chunk, batch: batch,
                            base: data.baseAddress!, x: x, xp: xp, sx: sx, y: y)
        if nt == 1 { job.run(0) } else { DispatchQueue.concurrentPerform(iterations: nt) { job.run($0) } }
    }
}

/// One matmul's shared, read-only state handed to worker threads (each writes disjoint rows of y).
private struct MatmulJob: @unchecked Sendable {
    let type: GGMLType, rows: Int, k: Int, groups: Int, rowBytes: Int, chunk: Int, batch: Int
    let base: UnsafeRawPointer, x: UnsafePointer<Float>, xp: UnsafePointer<Float>, sx: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>

    func run(_ t: Int) {
        let r0 = t * chunk, r1 = min(rows, r0 + chunk)
        guard r0 < r1 else { return }
        highBitBytes.withUnsafeBufferPointer { hb in
            for r in r0..<r1 {
                let row = base + r * rowBytes
                for b in 0..<batch {
                    y[b * rows + r] = rowDot(type, row, x + b * k, xp + b * k, sx + b * groups, k, hb.baseAddress!)
                }
            }
        }
    }
}
