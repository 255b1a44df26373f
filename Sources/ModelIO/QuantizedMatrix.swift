// A weight matrix kept in its GGUF block format, multiplied by Float32 activations directly.
import Foundation

/// A `(rows, columns)` matrix whose rows are stored as ggml blocks (or plain F32/F16/BF16).
///
/// Decoding one token is a matrix-vector product per weight; reading 4-5 bits per weight instead of
/// 32 makes it memory-cheap, so inference keeps weights quantized and only training dequantizes.
///
/// ```swift
/// let wq = try gguf.matrix("blk.0.attn_q.weight")      // (576, 576) Q4_1
/// var y = [Float](repeating: 0, count: wq.rows)
/// wq.matvec(x, into: &y)                                  // y = W x
/// ```
///
/// The storage is borrowed from a mapping (`owner` keeps it alive) or owned (``init(type:rows:columns:blocks:)``).
public final class QuantizedMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    /// Bytes per row.
    public let rowBytes: Int
    public let data: UnsafeRawBufferPointer
    private let owner: AnyObject?
    private let owned: UnsafeMutableRawPointer?

    /// Wraps `data` (not copied); `owner` must keep it alive.
    public init(type: GGMLType, rows: Int, columns: Int, data: UnsafeRawBufferPointer, owner: AnyObject?) throws {
        guard type.canDequantize, let rb = type.byteCount(elements: columns), rows >= 0,
              rows.multipliedReportingOverflow(by: rb).partialValue <= data.count
        else { throw ModelIOError(file: "<matrix>", reason: "\(type) matrix \(rows)x\(columns) does not fit its \(data.count) bytes") }
        self.type = type
        self.rows = rows
        self.columns = columns
        rowBytes = rb
        self.data = data
        self.owner = owner
        owned = nil
    }

    deinit { owned?.deallocate() }

    /// Owns a copy of `blocks` (row-major, `rows * rowBytes` bytes).
    public init(type: GGMLType, rows: Int, columns: Int, blocks: [UInt8]) throws {
        guard type.canDequantize, let rb = type.byteCount(elements: columns), rb * rows == blocks.count
        else { throw ModelIOError(file: "<matrix>", reason: "\(type) matrix \(rows)x\(columns) needs a whole number of blocks") }
        self.type = type
        self.rows = rows
        self.columns = columns
        rowBytes = rb
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(blocks.count, 1), alignment: 64)
        blocks.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        owned = p
        data = UnsafeRawBufferPointer(start: p, count: blocks.count)
        owner = nil
    }

    /// Row `r` dequantized into `dst` (`columns` floats).
    public func dequantizeRow(_ r: Int, into dst: UnsafeMutablePointer<Float>) {
        ModelIO.dequantize(UnsafeRawBufferPointer(rebasing: data[r * rowBytes..<(r + 1) * rowBytes]), type: type, count: columns, into: dst)
    }

    /// The whole matrix as Float32, row-major.
    public func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { b, n in
            for r in 0..<rows { dequantizeRow(r, into: b.baseAddress! + r * columns) }
            n = rows * columns
        }
    }

    /// Threads used by ``matvec(_:into:)`` (the machine has 2 cores; llama.cpp anchors use 2 threads too).
    public nonisolated(unsafe) static var threads = 2
}
