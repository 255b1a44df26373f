// Dequantization of ggml blocks to Float32, bit-exact with ggml's reference `dequantize_row_*`.
//
// Legend: d = block scale, m / dmin = block minimum, qs = packed low bits, qh = packed high bits,
// sc = per-sub-block scale, QK = values per block (32 for legacy types, 256 for K-quants).
// Operation order matches ggml (and gguf-py's numpy port): `d * q + m` for the _1 types,
// `(d * sc) * q - (dmin * m)` for Q4_K/Q5_K, `(d * sc) * q` for Q6_K. Swift does not contract
// these into FMAs, so results are bit-identical to the numpy reference.

// MARK: - Half precision

/// f16 → f32 for all 65,536 bit patterns, like ggml's `ggml_table_f32_f16`: exact and branch-free.
nonisolated(unsafe) let fp16Table: UnsafeMutablePointer<Float> = {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: 65536)
    for i in 0..<65536 { p[i] = Float(Float16(bitPattern: UInt16(i))) }
    return p
}()

@inline(__always) func fp16(_ raw: UnsafeRawPointer, _ offset: Int) -> Float {
    fp16Table[Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))]
}

// MARK: - Entry point

/// Dequantizes `count` values of `type` from `src` into `dst`.
/// - Precondition: `src` holds at least `type.byteCount(elements: count)` bytes and
///   `type.canDequantize` (callers validate both; ``GGUFFile`` does for every tensor).
public func dequantize(_ src: UnsafeRawBufferPointer, type: GGMLType, count: Int, into dst: UnsafeMutablePointer<Float>) {
    guard count > 0, let s = src.baseAddress else { return }
    let nb = count / type.blockElements
    let bs = type.blockBytes
    switch type {
    case .f32:
        UnsafeMutableRawPointer(dst).copyMemory(from: s, byteCount: count * 4)
    case .f16:
        for i in 0..<count { dst[i] = fp16(s, 2 * i) }
    case .bf16:
        for i in 0..<count { dst[i] = Float(bitPattern: UInt32(s.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
    case .q4_0: for b in 0..<nb { dequantizeQ4_0(s + b * bs, dst + b * 32) }
    case .q4_1: for b in 0..<nb { dequantizeQ4_1(s + b * bs, dst + b * 32) }
    case .q5_0: for b in 0..<nb { dequantizeQ5(s + b * bs, dst + b * 32, hasMin: false) }
    case .q5_1: for b in 0..<nb { dequantizeQ5(s + b * bs, dst + b * 32, hasMin: true) }
    case .q8_0: for b in 0..<nb { dequantizeQ8_0(s + b * bs, dst + b * 32) }
    case .q4_K: for b in 0..<nb { dequantizeQ4_K(s + b * bs, dst + b * 256) }
    case .q5_K: for b in 0..<nb { dequantizeQ5_K(s + b * bs, dst + b * 256) }
    case .q6_K: for b in 0..<nb { dequantizeQ6_K(s + b * bs, dst + b * 256) }
    default: preconditionFailure("dequantize: unsupported type \(type)")
    }
}

// MARK: - Legacy 32-value blocks

/// Q4_0: `{ f16 d; u8 qs[16] }`; value j (j<16) is `qs[j] & 15`, value j+16 is `qs[j] >> 4`, minus 8.
@inline(__always) func dequantizeQ4_0(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = fp16(x, 0)
    let qs = (x + 2).assumingMemoryBound(to: UInt8.self)
    for j in 0..<16 {
        y[j] = Float(Int32(qs[j] & 0x0F) - 8) * d
        y[j + 16] = Float(Int32(qs[j] >> 4) - 8) * d
    }
}

/// Q4_1: `{ f16 d; f16 m; u8 qs[16] }`, value = q * d + m.
@inline(__always) func dequantizeQ4_1(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = fp16(x, 0), m = fp16(x, 2)
    let qs = (x + 4).assumingMemoryBound(to: UInt8.self)
    for j in 0..<16 {
        y[j] = Float(qs[j] & 0x0F) * d + m
        y[j + 16] = Float(qs[j] >> 4) * d + m
    }
}

/// Q5_0 `{ f16 d; u32 qh; u8 qs[16] }` (value = (q5 - 16) * d) and
/// Q5_1 `{ f16 d; f16 m; u32 qh; u8 qs[16] }` (value = q5 * d + m); bit j of qh is value j's 5th bit.
@inline(__always) func dequantizeQ5(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, hasMin: Bool) {
    let d = fp16(x, 0)
    let m = hasMin ? fp16(x, 2) : 0
    let o = hasMin ? 4 : 2
    let qh = x.loadUnaligned(fromByteOffset: o, as: UInt32.self)
    let qs = (x + o + 4).assumingMemoryBound(to: UInt8.self)
    for j in 0..<16 {
        let h0 = UInt8(truncatingIfNeeded: (qh >> UInt32(j)) << 4) & 0x10
        let h1 = UInt8(truncatingIfNeeded: qh >> UInt32(j + 12)) & 0x10
        let q0 = (qs[j] & 0x0F) | h0, q1 = (qs[j] >> 4) | h1
        if hasMin {
            y[j] = Float(q0) * d + m
            y[j + 16] = Float(q1) * d + m
        } else {
            y[j] = Float(Int32(q0) - 16) * d
            y[j + 16] = Float(Int32(q1) - 16) * d
        }
    }
}

/// Q8_0: `{ f16 d; i8 qs[32] }`, value = q * d.
@inline(__always) func dequantizeQ8_0(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = fp16(x, 0)
    let qs = (x + 2).assumingMemoryBound(to: Int8.self)
    for j in 0..<32 { y[j] = Float(qs[j]) * d }
}

// MARK: - K-quants (256-value super-blocks)

/// The 6-bit scale and min of sub-block j (0..<8) from Q4_K/Q5_K's 12 packed scale bytes.
@inline(__always) func scaleMinK4(_ j: Int, _ q: UnsafePointer<UInt8>) -> (UInt8, UInt8) {
    if j < 4 { return (q[j] & 63, q[j + 4] & 63) }
    return ((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
}

/// Q4_K: `{ f16 d; f16 dmin; u8 scales[12]; u8 qs[128] }`; 8 sub-blocks of 32, each 32-byte chunk of
/// qs holds two sub-blocks (low nibbles, then high nibbles).
@inline(__always) func dequantizeQ4_K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = fp16(x, 0), dmin = fp16(x, 2)
    let sc = (x + 4).assumingMemoryBound(to: UInt8.self)
    let qs = (x + 16).assumingMemoryBound(to: UInt8.self)
    for c in 0..<4 {
        let (s0, m0) = scaleMinK4(2 * c, sc), (s1, m1) = scaleMinK4(2 * c + 1, sc)
        let d1 = d * Float(s0), dm1 = dmin * Float(m0), d2 = d * Float(s1), dm2 = dmin * Float(m1)
        let q = qs + 32 * c, o = y + 64 * c
        for l in 0..<32 {
            o[l] = d1 * Float(q[l] & 0x0F) - dm1
            o[l + 32] = d2 * Float(q[l] >> 4) - dm2
        }
    }
}

/// Q5_K: `{ f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128] }`; like Q4_K plus a 5th bit.
@inline(__always) func dequantizeQ5_K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = fp16(x, 0), dmin = fp16(x, 2)
    let sc = (x + 4).assumingMemoryBound(to: UInt8.self)
    let qh = (x + 16).assumingMemoryBound(to: UInt8.self)
    let qs = (x + 48).assumingMemoryBound(to: UInt8.self)
    for c in 0..<4 {
        let (s0, m0) = scaleMinK4(2 * c, sc), (s1, m1) = scaleMinK4(2 * c + 1, sc)
        let d1 = d * Float(s0), dm1 = dmin * Float(m0), d2 = d * Float(s1), dm2 = dmin * Float(m1)
        let q = qs + 32 * c, o = y + 64 * c
        let b0 = UInt8(1) << (2 * c), b1 = UInt8(2) << (2 * c)
        for l in 0..<32 {
            o[l] = d1 * Float((q[l] & 0x0F) | (qh[l] & b0 != 0 ? 16 : 0)) - dm1
            o[l + 32] = d2 * Float((q[l] >> 4) | (qh[l] & b1 != 0 ? 16 : 0)) - dm2
        }
    }
}

/// Q6_K: `{ u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d }`; two halves of 128 values, each value
/// 4 low bits from ql and 2 high bits from qh, minus 32, times d * scales[value / 16].
@inline(__always) func dequantizeQ6_K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
    let d = fp16(x, 208)
    let sc = (x + 192).assumingMemoryBound(to: Int8.self)
    for n in 0..<2 {
        let ql = (x + 64 * n).assumingMemoryBound(to: UInt8.self)
        let qh = (x + 128 + 32 * n).assumingMemoryBound(to: UInt8.self)
        let s = sc + 8 * n, o = y + 128 * n
        for l in 0..<32 {
            let isc = l / 16
            let q1 = Int32((ql[l] & 0x0F) | ((qh[l] & 3) << 4)) - 32
            let q2 = Int32((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32
            let q3 = Int32((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32
            let q4 = Int32((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32
            o[l] = (d * Float(s[isc])) * Float(q1)
            o[l + 32] = (d * Float(s[isc + 2])) * Float(q2)
            o[l + 64] = (d * Float(s[isc + 4])) * Float(q3)
            o[l + 96] = (d * Float(s[isc + 6])) * Float(q4)
        }
    }
}
