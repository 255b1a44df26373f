// SafeTensors: read and write the safetensors format (8-byte header length, JSON header, raw little-endian data).
import Foundation

/// A tensor read from a safetensors file, converted to Float32.
public typealias NamedWeights = [String: (shape: [Int], data: [Float])]

public enum SafeTensors {
    /// How tensors are stored on disk. Training state is F32; F16 halves published adapters.
    public enum StorageType: String, Sendable {
        case f32 = "F32", f16 = "F16"
        var width: Int { self == .f32 ? 4 : 2 }
    }

    /// Writes `tensors` as `dtype` (F32 by default) with string `metadata` (safetensors' `__metadata__`),
    /// atomically. F16 rounds to nearest and refuses values beyond its range (±65504) rather than
    /// writing infinities.
    public static func write(_ tensors: [(name: String, shape: [Int], data: UnsafePointer<Float>)], metadata: [String: String],
                             to url: URL, dtype: StorageType = .f32) throws {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for t in tensors {
            let bytes = t.shape.reduce(1, *) * dtype.width
            header[t.name] = ["dtype": dtype.rawValue, "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }  // pad so the data starts 8-aligned
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in tensors {
            let values = UnsafeBufferPointer(start: t.data, count: t.shape.reduce(1, *))
            switch dtype {
            case .f32: out.append(values)
            case .f16:
                if let i = values.firstIndex(where: { !$0.isFinite || abs($0) > Float(Float16.greatestFiniteMagnitude) }) {
                    throw LMError.io(path: url.path, reason: "tensor '\(t.name)' value \(values[i]) at \(i) does not fit F16")
                }
                let half = values.map { Float16($0).bitPattern.littleEndian }
                half.withUnsafeBufferPointer { out.append($0) }
            }
        }
        do { try out.write(to: url, options: .atomic) } catch {
            throw LMError.io(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// ``write(_:metadata:to:dtype:)`` for tensors held as Swift arrays (exported adapters).
    public static func write(arrays: [(name: String, shape: [Int], values: [Float])], metadata: [String: String],
                             to url: URL, dtype: StorageType = .f32) throws {
        let buffers = arrays.map { arr -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(arr.values.count, 1))
            p.initialize(from: arr.values, count: arr.values.count)
            return p
        }
        defer { for b in buffers { b.deallocate() } }
        try write(zip(arrays, buffers).map { (name: $0.name, shape: $0.shape, data: UnsafePointer($1)) }, metadata: metadata,
                  to: url, dtype: dtype)
    }

    /// Reads every tensor (F32, F16 and BF16 are converted to Float32) and the metadata.
    public static func read(_ url: URL) throws -> (tensors: NamedWeights, metadata: [String: String]) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw LMError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard data.count >= 8 else { throw LMError.badCheckpoint(path: path, reason: "shorter than the 8-byte header length") }
        let headerLength = Int(data.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
        guard headerLength > 0, 8 + headerLength <= data.count else {
            throw LMError.badCheckpoint(path: path, reason: "header length \(headerLength) exceeds file size \(data.count)")
        }
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any] else {
            throw LMError.badCheckpoint(path: path, reason: "header is not a JSON object")
        }
        let base = 8 + headerLength
        var tensors = NamedWeights()
        var metadata = [String: String]()
        for (name, value) in header {
            if name == "__metadata__" { metadata = value as? [String: String] ?? [:]; continue }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw LMError.badCheckpoint(path: path, reason: "tensor '\(name)' has a malformed header entry")
            }
            let count = shape.reduce(1, *)
            let width = ["F32": 4, "F16": 2, "BF16": 2][dtype]
            guard let width else { throw LMError.badCheckpoint(path: path, reason: "tensor '\(name)' has unsupported dtype \(dtype)") }
            guard offsets[1] - offsets[0] == count * width, base + offsets[1] <= data.count, offsets[0] >= 0 else {
                throw LMError.badCheckpoint(path: path, reason: "tensor '\(name)' data range \(offsets) does not fit shape \(shape)")
            }
            var values = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                let src = raw.baseAddress! + base + offsets[0]
                values.withUnsafeMutableBufferPointer { dst in
                    switch dtype {
                    case "F32": memcpy(dst.baseAddress!, src, count * 4)
                    case "BF16":
                        for i in 0..<count { dst[i] = Float(bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
                    default:
                        for i in 0..<count { dst[i] = Float(Float16(bitPattern: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                    }
                }
            }
            tensors[name] = (shape, values)
        }
        return (tensors, metadata)
    }
}
