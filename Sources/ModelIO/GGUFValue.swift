// A GGUF metadata value (the typed key/value pairs in a GGUF header).

/// One metadata value. Arrays of strings (token lists, merges) and of numbers (token types,
/// scores) are kept in typed arrays so that a 150k-entry vocabulary is one allocation, not 150k enums.
public enum GGUFValue: Sendable, CustomStringConvertible {
    case uint(UInt64)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case strings([String])
    case ints([Int64])
    case floats([Double])
    case array([GGUFValue])

    /// GGUF's value type tags (`gguf_type`).
    enum Tag: UInt32 {
        case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

        /// Smallest encoded size, used to bound array counts before allocating.
        var minBytes: Int {
            switch self {
            case .uint8, .int8, .bool: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64, .string: 8
            case .array: 12
            }
        }
    }

    public var asInt: Int? {
        switch self {
        case .uint(let v): v <= UInt64(Int.max) ? Int(v) : nil
        case .int(let v): Int(v)
        default: nil
        }
    }

    public var asDouble: Double? {
        switch self {
        case .float(let v): v
        case .uint(let v): Double(v)
        case .int(let v): Double(v)
        default: nil
        }
    }

    public var asString: String? { if case .string(let s) = self { s } else { nil } }
    public var asBool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var asStrings: [String]? { if case .strings(let s) = self { s } else { nil } }
    public var asInts: [Int64]? { if case .ints(let s) = self { s } else { nil } }

    public var description: String {
        switch self {
        case .uint(let v): "\(v)"
        case .int(let v): "\(v)"
        case .float(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let s): s.count > 60 ? "\"\(s.prefix(60))…\" (\(s.utf8.count) bytes)" : "\"\(s)\""
        case .strings(let a): "[\(a.count) strings]"
        case .ints(let a): a.count <= 8 ? "\(a)" : "[\(a.count) ints]"
        case .floats(let a): a.count <= 8 ? "\(a)" : "[\(a.count) floats]"
        case .array(let a): "[\(a.count) values]"
        }
    }
}

// MARK: - Parsing

extension ByteReader {
    /// Reads one value of type `tag`; `depth` bounds nested arrays (hostile files nest forever).
    mutating func ggufValue(tag raw: UInt32, depth: Int = 0) throws -> GGUFValue {
        guard let tag = GGUFValue.Tag(rawValue: raw) else { throw fail("unknown metadata value type \(raw)") }
        switch tag {
        case .uint8: return .uint(UInt64(try u8("u8")))
        case .int8: return .int(Int64(Int8(bitPattern: try u8("i8"))))
        case .uint16: return .uint(UInt64(try scalar(UInt16.self, "u16")))
        case .int16: return .int(Int64(try scalar(Int16.self, "i16")))
        case .uint32: return .uint(UInt64(try u32("u32")))
        case .int32: return .int(Int64(try scalar(Int32.self, "i32")))
        case .uint64: return .uint(try u64("u64"))
        case .int64: return .int(try scalar(Int64.self, "i64"))
        case .float32: return .float(Double(try f32("f32")))
        case .float64: return .float(try f64("f64"))
        case .bool: return .bool(try u8("bool") != 0)
        case .string: return .string(try string("string"))
        case .array:
            guard depth < 4 else { throw fail("metadata arrays nested too deeply") }
            let elemRaw = try u32("array element type")
            guard let elem = GGUFValue.Tag(rawValue: elemRaw) else { throw fail("unknown array element type \(elemRaw)") }
            let n = try checkCount(try u64("array length"), minBytesEach: elem.minBytes, what: "array")
            switch elem {
            case .string:
                var out: [String] = []
                out.reserveCapacity(n)
                for _ in 0..<n { out.append(try string("array string")) }
                return .strings(out)
            case .float32, .float64:
                var out: [Double] = []
                out.reserveCapacity(n)
                for _ in 0..<n { out.append(try ggufValue(tag: elemRaw).asDouble!) }
                return .floats(out)
            case .array:
                var out: [GGUFValue] = []
                for _ in 0..<n { out.append(try ggufValue(tag: elemRaw, depth: depth + 1)) }
                return .array(out)
            case .bool:
                var out: [Int64] = []
                out.reserveCapacity(n)
                for _ in 0..<n { out.append(try u8("bool") != 0 ? 1 : 0) }
                return .ints(out)
            default:
                var out: [Int64] = []
                out.reserveCapacity(n)
                for _ in 0..<n {
                    switch try ggufValue(tag: elemRaw) {
                    case .uint(let v): out.append(Int64(truncatingIfNeeded: v))
                    case .int(let v): out.append(v)
                    default: break
                    }
                }
                return .ints(out)
            }
        }
    }
}
