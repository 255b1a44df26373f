// GGUF v2/v3 reader: header, metadata and tensor table parsed from a memory mapping.

/// One tensor's entry in a GGUF tensor table.
///
/// `ne` is ggml's dimension order (`ne[0]` is the contiguous, innermost dimension: a weight of
/// shape `(out, in)` in PyTorch is `ne = [in, out]`); ``shape`` gives the PyTorch order.
public struct GGUFTensorInfo: Sendable {
    public var name: String
    public var ne: [Int]
    public var type: GGMLType
    /// Byte offset from the start of the file (already includes the data section start).
    public var fileOffset: Int
    public var byteCount: Int

    public var shape: [Int] { ne.reversed() }
    public var elementCount: Int { ne.reduce(1, *) }
    /// Length of one row (`ne[0]`) and number of rows (product of the rest).
    public var columns: Int { ne.first ?? 1 }
    public var rows: Int { ne.dropFirst().reduce(1, *) }
}

/// A parsed, memory-mapped GGUF file.
///
/// ```swift
/// let gguf = try GGUFFile(path: "SmolLM2-135M-Instruct.Q4_1.gguf")
/// print(gguf.architecture ?? "?", gguf.tensors.count)
/// let emb = try gguf.dequantize("token_embd.weight")   // [Float], row-major (rows, columns)
/// ```
///
/// Everything read from the header is validated against the file length before use: a truncated
/// or hostile file throws ``ModelIOError`` and never causes a crash or an outsized allocation.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let file: MappedFile
    public let version: UInt32
    /// Metadata in file order, and by key.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    public let dataOffset: Int
    private let index: [String: Int]

    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        path = file.path
        var r = ByteReader(file.bytes, file: file.path)
        let magic = try r.u32("magic")
        guard magic == 0x4655_4747 else { throw r.fail("not a GGUF file (bad magic)", at: 0) }
        version = try r.u32("version")
        guard version == 2 || version == 3 else { throw r.fail("unsupported GGUF version \(version) (need 2 or 3)", at: 4) }
        // A tensor entry takes at least 8+4+8+4+8 bytes, a metadata pair at least 8+4+1.
        let nTensors = try r.checkCount(try r.u64("tensor count"), minBytesEach: 32, what: "tensor")
        let nKV = try r.checkCount(try r.u64("metadata count"), minBytesEach: 13, what: "metadata")

        var keys: [String] = []
        var meta: [String: GGUFValue] = [:]
        for _ in 0..<nKV {
            let keyAt = r.offset
            let key = try r.string("metadata key")
            let tag = try r.u32("value type of \(key)")
            let value = try r.ggufValue(tag: tag)
            guard meta[key] == nil else { throw r.fail("duplicate metadata key \(key)", at: keyAt) }
            keys.append(key)
            meta[key] = value
        }
        metadataKeys = keys
        metadata = meta
        let align = meta["general.alignment"]?.asInt ?? 32
        guard align > 0, align <= 1 << 16, align & (align - 1) == 0 else {
            throw r.fail("general.alignment \(align) is not a power of two ≤ 65536")
        }
        alignment = align

        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(nTensors)
        var relOffsets: [UInt64] = []
        for _ in 0..<nTensors {
            let at = r.offset
            let name = try r.string("tensor name")
            let nDims = try r.u32("dimension count of \(name)")
            guard (1...4).contains(nDims) else { throw r.fail("tensor \(name) has \(nDims) dimensions (1…4 allowed)", at: at) }
            var ne: [Int] = []
            var total: Int = 1
            for _ in 0..<nDims {
                let d = try r.u64("dimension of \(name)")
                guard d > 0, d < 1 << 40 else { throw r.fail("tensor \(name) has dimension \(d)", at: at) }
                let (t, o) = total.multipliedReportingOverflow(by: Int(d))
                guard !o, t < 1 << 40 else { throw r.fail("tensor \(name) element count overflows", at: at) }
                total = t
                ne.append(Int(d))
            }
            let rawType = try r.u32("type of \(name)")
            guard let type = GGMLType(rawValue: rawType) else { throw r.fail("tensor \(name) has unknown ggml type \(rawType)", at: at) }
            guard ne[0] % type.blockElements == 0, let bytes = type.byteCount(elements: total) else {
                throw r.fail("tensor \(name): row length \(ne[0]) is not a multiple of the \(type) block (\(type.blockElements))", at: at)
            }
            let off = try r.u64("offset of \(name)")
            guard off % UInt64(align) == 0 else { throw r.fail("tensor \(name) data offset \(off) is not \(align)-aligned", at: at) }
            relOffsets.append(off)
            infos.append(GGUFTensorInfo(name: name, ne: ne, type: type, fileOffset: 0, byteCount: bytes))
        }
        let start = (r.offset + align - 1) / align * align
        dataOffset = start
        var idx: [String: Int] = [:]
        for i in infos.indices {
            let (end, o) = relOffsets[i].addingReportingOverflow(UInt64(infos[i].byteCount))
            guard !o, UInt64(start) + end <= UInt64(file.count) else {
                throw ModelIOError(file: path, offset: start, reason:
                    "tensor \(infos[i].name) data [\(relOffsets[i]), +\(infos[i].byteCount)) runs past the end of the file (\(file.count) bytes): truncated?")
            }
            infos[i].fileOffset = start + Int(relOffsets[i])
            guard idx[infos[i].name] == nil else { throw ModelIOError(file: path, reason: "duplicate tensor name \(infos[i].name)") }
            idx[infos[i].name] = i
        }
        tensors = infos
        index = idx
    }

    // MARK: - Lookup

    public func info(_ name: String) -> GGUFTensorInfo? { index[name].map { tensors[$0] } }

    func require(_ name: String) throws -> GGUFTensorInfo {
        guard let t = info(name) else { throw ModelIOError(file: path, reason: "no tensor named \(name)") }
        return t
    }

    /// The tensor's raw (possibly quantized) bytes, in place in the mapping.
    public func rawBytes(_ t: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[t.fileOffset..<t.fileOffset + t.byteCount])
    }

    /// The tensor as Float32, row-major in ``GGUFTensorInfo/shape`` order.
    public func dequantize(_ name: String) throws -> [Float] {
        let t = try require(name)
        guard t.type.canDequantize else { throw ModelIOError(file: path, reason: "tensor \(name): cannot dequantize \(t.type)") }
        return [Float](unsafeUninitializedCapacity: t.elementCount) { buf, n in
            ModelIO.dequantize(rawBytes(t), type: t.type, count: t.elementCount, into: buf.baseAddress!)
            n = t.elementCount
        }
    }

    /// The tensor kept quantized, for ``QuantizedMatrix/matvec(_:into:)``.
    public func matrix(_ name: String) throws -> QuantizedMatrix {
        let t = try require(name)
        return try QuantizedMatrix(type: t.type, rows: t.rows, columns: t.columns, data: rawBytes(t), owner: file)
    }

    // MARK: - Metadata helpers

    public var architecture: String? { metadata["general.architecture"]?.asString }

    /// `<architecture>.<key>`, e.g. `arch("block_count")`.
    public func arch(_ key: String) -> GGUFValue? {
        guard let a = architecture else { return nil }
        return metadata["\(a).\(key)"]
    }
}
