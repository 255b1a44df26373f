// safetensors reader (memory-mapped, validated) and writer.
import Foundation

/// Element types of the safetensors format.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    public var size: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }
}

/// One tensor's header entry.
public struct SafetensorsTensorInfo: Sendable {
    public var dtype: SafetensorsDType
    public var shape: [Int]
    /// Absolute byte range in the file.
    public var range: Range<Int>
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A memory-mapped `.safetensors` file: `u64 header length | JSON header | data`.
///
/// The header is validated entirely before use: its length must fit the file, every tensor's
/// `data_offsets` must lie in the data section and match `shape × dtype size`, and the JSON may not
/// exceed 100 MB. Violations throw ``ModelIOError``.
public final class SafetensorsFile: @unchecked Sendable {
    public let path: String
    public let file: MappedFile
    public let tensors: [String: SafetensorsTensorInfo]
    public let metadata: [String: String]

    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        var r = ByteReader(file.bytes, file: path)
        let n = try r.u64("header length")
        guard n >= 2, n <= 100_000_000, n <= UInt64(r.remaining) else {
            throw ModelIOError(file: path, offset: 0, reason: "header length \(n) is impossible for a \(file.count)-byte file")
        }
        let header = Data(UnsafeRawBufferPointer(rebasing: file.bytes[8..<8 + Int(n)]))
        guard let obj = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any] else {
            throw ModelIOError(file: path, offset: 8, reason: "header is not a JSON object")
        }
        let dataStart = 8 + Int(n), dataLen = file.count - dataStart
        var ts: [String: SafetensorsTensorInfo] = [:]
        var meta: [String: String] = [:]
        for (name, v) in obj {
            if name == "__metadata__" {
                for (k, mv) in v as? [String: Any] ?? [:] { meta[k] = mv as? String ?? "\(mv)" }
                continue
            }
            guard let e = v as? [String: Any], let ds = e["dtype"] as? String else {
                throw ModelIOError(file: path, reason: "tensor \(name): entry has no dtype")
            }
            guard let dt = SafetensorsDType(rawValue: ds) else { throw ModelIOError(file: path, reason: "tensor \(name): unsupported dtype \(ds)") }
            guard let shapeN = e["shape"] as? [NSNumber], shapeN.count <= 8, let offs = e["data_offsets"] as? [NSNumber], offs.count == 2 else {
                throw ModelIOError(file: path, reason: "tensor \(name): shape or data_offsets malformed")
            }
            var count = 1
            var shape: [Int] = []
            for d in shapeN {
                let x = d.int64Value
                guard x >= 0, x < 1 << 40 else { throw ModelIOError(file: path, reason: "tensor \(name): dimension \(x)") }
                let (c, o) = count.multipliedReportingOverflow(by: Int(x))
                guard !o, c < 1 << 40 else { throw ModelIOError(file: path, reason: "tensor \(name): element count overflows") }
                count = c
                shape.append(Int(x))
            }
            let b = offs[0].int64Value, en = offs[1].int64Value
            guard b >= 0, en >= b, en <= Int64(dataLen) else {
                throw ModelIOError(file: path, reason: "tensor \(name): data_offsets [\(b), \(en)) outside the \(dataLen)-byte data section")
            }
            guard Int(en - b) == count * dt.size else {
                throw ModelIOError(file: path, reason: "tensor \(name): \(en - b) bytes for shape \(shape) of \(ds) (need \(count * dt.size))")
            }
            ts[name] = SafetensorsTensorInfo(dtype: dt, shape: shape, range: dataStart + Int(b)..<dataStart + Int(en))
        }
        tensors = ts
        metadata = meta
    }

    public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        guard let t = tensors[name] else { throw ModelIOError(file: path, reason: "no tensor named \(name)") }
        return UnsafeRawBufferPointer(rebasing: file.bytes[t.range])
    }

    /// A floating-point tensor converted to Float32 (F32, F16, BF16, F64).
    public func floats(_ name: String) throws -> [Float] {
        guard let t = tensors[name] else { throw ModelIOError(file: path, reason: "no tensor named \(name)") }
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[t.range])
        let n = t.elementCount
        switch t.dtype {
        case .f32: return (0..<n).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        case .f16, .bf16:
            return [Float](unsafeUninitializedCapacity: n) { b, c in
                ModelIO.dequantize(raw, type: t.dtype == .f16 ? .f16 : .bf16, count: n, into: b.baseAddress!)
                c = n
            }
        case .f64: return (0..<n).map { Float(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self)) }
        default: throw ModelIOError(file: path, reason: "tensor \(name) is \(t.dtype.rawValue), not floating point")
        }
    }
}

// MARK: - Writer

/// Writes tensors to a `.safetensors` file (header keys sorted, padded to 8 bytes as the reference does).
///
/// ```swift
/// var w = SafetensorsWriter()
/// w.add("embed_tokens.weight", floats: emb, shape: [V, C])
/// try w.write(to: "model.safetensors")
/// ```
public struct SafetensorsWriter {
    var entries: [(name: String, dtype: SafetensorsDType, shape: [Int], data: [UInt8])] = []
    public var metadata: [String: String] = [:]

    public init() {}

    public mutating func add(_ name: String, floats: [Float], shape: [Int]) {
        precondition(shape.reduce(1, *) == floats.count, "shape \(shape) does not match \(floats.count) values")
        entries.append((name, .f32, shape, floats.withUnsafeBytes { Array($0) }))
    }

    public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) * dtype.size == bytes.count)
        entries.append((name, dtype, shape, bytes))
    }

    public func write(to path: String) throws {
        let sorted = entries.sorted { $0.name < $1.name }
        var header: [String: Any] = [:]
        var off = 0
        for e in sorted {
            header[e.name] = ["dtype": e.dtype.rawValue, "shape": e.shape, "data_offsets": [off, off + e.data.count]]
            off += e.data.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        var n = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(json)
        for e in sorted { out.append(contentsOf: e.data) }
        guard FileManager.default.createFile(atPath: path, contents: out) else {
            throw ModelIOError(file: path, reason: "cannot write file")
        }
    }
}
