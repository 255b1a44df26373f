// Row · vector kernels over quantized blocks: the inner loop of every decode-time matvec.
//
// Legend: x = Float32 activation (length K = columns), q = unpacked integer weights of one block,
// d / m = block scale / min, sx = Σx over the block (or 16-value group), precomputed once per x.
// Each block's contribution is rewritten so that only Σ x·q is vectorized:
//   Q4_0: d·Σx(q-8)          = d·(Σxq − 8·sx)
//   Q4_1: Σx(d·q + m)        = d·Σxq + m·sx
//   Q5_0: d·(Σxq5 − 16·sx)     Q5_1: d·Σxq5 + m·sx      Q8_0: d·Σxq
//   Q4_K / Q5_K (per 32-sub-block j): (d·sc_j)·Σxq − (dmin·m_j)·sx_j
//   Q6_K (per 16-group g): (d·sc_g)·(Σxq − 32·sx_g)
// The vector part accumulates in SIMD4<Float> (scaled per block by a broadcast multiply) and is
// reduced once per row (SIMD4 lanes: the SSE2 width). Only baseline SIMD (SSE2 on x86-64) is assumed: no -march flags.

typealias F4 = SIMD4<Float>
typealias F8 = SIMD8<Float>
typealias U4 = SIMD4<UInt32>

@inline(__always) func loadF4(_ p: UnsafePointer<Float>) -> F4 { UnsafeRawPointer(p).loadUnaligned(as: F4.self) }
@inline(__always) func loadF8(_ p: UnsafePointer<Float>) -> F8 { UnsafeRawPointer(p).loadUnaligned(as: F8.self) }
@inline(__always) func loadU16(_ p: UnsafeRawPointer) -> SIMD16<UInt8> { p.loadUnaligned(as: SIMD16<UInt8>.self) }

// Why a permuted x: Swift's SIMD integer→float conversions between lane types are generic and
// compile to scalar loops. Instead 16 bytes are viewed as 4 UInt32 lanes and byte k of every lane
// is isolated with shift+mask (lane l, byte k = value 4l+k); OR-ing in the exponent of 2^23 and
// subtracting 2^23 turns it into an exact Float. Those vectors hold values {k, 4+k, 8+k, 12+k}, so
// x is permuted once per matvec to match: xp[4k + l] = x[4l + k] within every 16-value chunk.

/// Permutes x (k values, k % 16 == 0 for the quantized part) into `xp` as described above.
func permuteActivations(_ x: UnsafePointer<Float>, count k: Int, into xp: UnsafeMutablePointer<Float>) {
    var c = 0
    while c + 16 <= k {
        for kk in 0..<4 { for l in 0..<4 { xp[c + 4 * kk + l] = x[c + 4 * l + kk] } }
        c += 16
    }
    while c < k { xp[c] = x[c]; c += 1 }
}

/// Σ x·q for 16 unsigned byte values q against 16 permuted activations, as 4 partial lanes.
@inline(__always) func dot16(_ xp: UnsafePointer<Float>, _ q: SIMD16<UInt8>) -> F4 {
    let v = unsafeBitCast(q, to: U4.self)
    let mask = U4(repeating: 0xFF), magic = U4(repeating: 0x4B00_0000), big = F4(repeating: 8_388_608)
    let b0 = unsafeBitCast((v & mask) | magic, to: F4.self) - big
    let b1 = unsafeBitCast(((v &>> 8) & mask) | magic, to: F4.self) - big
    let b2 = unsafeBitCast(((v &>> 16) & mask) | magic, to: F4.self) - big
    let b3 = unsafeBitCast((v &>> 24) | magic, to: F4.self) - big
    return b0 * loadF4(xp) + b1 * loadF4(xp + 4) + b2 * loadF4(xp + 8) + b3 * loadF4(xp + 12)
}

/// Bits → bytes: entry b holds 8 bytes, byte i = 0x10 if bit i of b is set (Q5 high bits).
let highBitBytes: [UInt64] = (0..<256).map { b in
    var v: UInt64 = 0
    for i in 0..<8 where b & (1 << i) != 0 { v |= 0x10 << (8 * UInt64(i)) }
    return v
}

@inline(__always) func highBits16(_ bits: UInt32, _ table: UnsafePointer<UInt64>) -> SIMD16<UInt8> {
    let a = table[Int(bits & 0xFF)], b = table[Int((bits >> 8) & 0xFF)]
    return unsafeBitCast(SIMD2<UInt64>(a, b), to: SIMD16<UInt8>.self)
}

/// Per-16-value sums of x (K/16 entries): the `sx` terms above.
func groupSums16(_ x: UnsafePointer<Float>, count k: Int, into s: UnsafeMutablePointer<Float>) {
    for g in 0..<k / 16 { s[g] = (loadF8(x + 16 * g) + loadF8(x + 16 * g + 8)).sum() }
}

// MARK: - One row

/// Σ_k row[k]·x[k] for one quantized row of `k` values. `sx16` = ``groupSums16(_:count:into:)`` of x.
@inline(__always)
func rowDot(_ type: GGMLType, _ row: UnsafeRawPointer, _ xOrig: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
            _ sx16: UnsafePointer<Float>, _ k: Int, _ hb: UnsafePointer<UInt64>) -> Float {
    var acc = F4(), accS: Float = 0
    let bs = type.blockBytes
    switch type {
    case .q4_0, .q4_1:
        for b in 0..<k / 32 {
            let p = row + b * bs
            let d = fp16(p, 0)
            let raw = loadU16(p + (type == .q4_1 ? 4 : 2))
            let v = dot16(x + 32 * b, raw & 0x0F) + dot16(x + 32 * b + 16, raw &>> 4)
            acc += v * d
            let sx = sx16[2 * b] + sx16[2 * b + 1]
            accS += type == .q4_1 ? fp16(p, 2) * sx : -8 * d * sx
        }
    case .q5_0, .q5_1:
        let o = type == .q5_1 ? 4 : 2
        for b in 0..<k / 32 {
            let p = row + b * bs
            let d = fp16(p, 0)
            let qh = p.loadUnaligned(fromByteOffset: o, as: UInt32.self)
            let raw = loadU16(p + o + 4)
            let lo = (raw & 0x0F) | highBits16(qh, hb), hi = (raw &>> 4) | highBits16(qh >> 16, hb)
            acc += (dot16(x + 32 * b, lo) + dot16(x + 32 * b + 16, hi)) * d
            let sx = sx16[2 * b] + sx16[2 * b + 1]
            accS += type == .q5_1 ? fp16(p, 2) * sx : -16 * d * sx
        }
    case .q8_0:
        for b in 0..<k / 32 {
            let p = row + b * bs
            // Signed bytes: q = (byte ^ 0x80) - 128, the -128·Σx part goes to the scalar sum.
            let flip = SIMD16<UInt8>(repeating: 0x80)
            let q0 = loadU16(p + 2) ^ flip, q1 = loadU16(p + 18) ^ flip
            let d = fp16(p, 0)
            acc += (dot16(x + 32 * b, q0) + dot16(x + 32 * b + 16, q1)) * d
            accS -= 128 * d * (sx16[2 * b] + sx16[2 * b + 1])
        }
    case .q4_K, .q5_K:
        let five = type == .q5_K
        for b in 0..<k / 256 {
            let p = row + b * bs
            let d = fp16(p, 0), dmin = fp16(p, 2)
            let sc = (p + 4).assumingMemoryBound(to: UInt8.self)
            let qs = p + (five ? 48 : 16)
            let xb = x + 256 * b, sb = sx16 + 16 * b
            for c in 0..<4 {
                let (s0, m0) = scaleMinK4(2 * c, sc), (s1, m1) = scaleMinK4(2 * c + 1, sc)
                let r0 = loadU16(qs + 32 * c), r1 = loadU16(qs + 32 * c + 16)
                var l0 = r0 & 0x0F, l1 = r1 & 0x0F, h0 = r0 &>> 4, h1 = r1 &>> 4
                if five {
                    // qh bit 2c (value l of sub-block 2c) and bit 2c+1 (sub-block 2c+1), as 0x10.
                    let q0 = loadU16(p + 16), q1 = loadU16(p + 32)
                    let sh0 = SIMD16<UInt8>(repeating: UInt8(2 * c)), sh1 = SIMD16<UInt8>(repeating: UInt8(2 * c + 1))
                    l0 |= ((q0 &>> sh0) & 1) &<< 4; l1 |= ((q1 &>> sh0) & 1) &<< 4
                    h0 |= ((q0 &>> sh1) & 1) &<< 4; h1 |= ((q1 &>> sh1) & 1) &<< 4
                }
                let xc = xb + 64 * c
                acc += (dot16(xc, l0) + dot16(xc + 16, l1)) * (d * Float(s0))
                acc += (dot16(xc + 32, h0) + dot16(xc + 48, h1)) * (d * Float(s1))
                accS -= dmin * Float(m0) * (sb[4 * c] + sb[4 * c + 1]) + dmin * Float(m1) * (sb[4 * c + 2] + sb[4 * c + 3])
            }
        }
    case .q6_K:
        for b in 0..<k / 256 {
            let p = row + b * bs
            let d = fp16(p, 208)
            let sc = (p + 192).assumingMemoryBound(to: Int8.self)
            for n in 0..<2 {
                let ql = p + 64 * n, qh = p + 128 + 32 * n
                let s = sc + 8 * n, xb = x + 256 * b + 128 * n, sb = sx16 + 16 * b + 8 * n
                for half in 0..<2 {
                    let o = 16 * half
                    let a = loadU16(ql + o), a2 = loadU16(ql + 32 + o), h = loadU16(qh + o)
                    let q1 = (a & 0x0F) | ((h & 3) &<< 4)
                    let q2 = (a2 & 0x0F) | (((h &>> 2) & 3) &<< 4)
                    let q3 = (a &>> 4) | (((h &>> 4) & 3) &<< 4)
                    let q4 = (a2 &>> 4) | (((h &>> 6) & 3) &<< 4)
                    // Group g of 16 values at offset 16g; value l+32j sits in group 2j+half.
                    let g1 = half, g2 = 2 + half, g3 = 4 + half, g4 = 6 + half
                    acc += dot16(xb + o, q1) * (d * Float(s[g1]))
                    acc += dot16(xb + 32 + o, q2) * (d * Float(s[g2]))
                    acc += dot16(xb + 64 + o, q3) * (d * Float(s[g3]))
                    acc += dot16(xb + 96 + o, q4) * (d * Float(s[g4]))
                    accS -= 32 * d * (Float(s[g1]) * sb[g1] + Float(s[g2]) * sb[g2] + Float(s[g3]) * sb[g3] + Float(s[g4]) * sb[g4])
                }
            }
        }
    case .f32:
        let w = row.assumingMemoryBound(to: Float.self)
        var i = 0
        var a8 = F8()
        while i + 8 <= k { a8 += loadF8(w + i) * loadF8(xOrig + i); i += 8 }
        while i < k { accS += w[i] * xOrig[i]; i += 1 }
        accS += a8.sum()
    default:
        // F16/BF16: dequantize in chunks of 256 and dot (not a decode hot path for the defaults).
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { buf in
            var i = 0
            while i < k {
                let n = min(256, k - i)
                ModelIO.dequantize(UnsafeRawBufferPointer(start: row + i * type.blockBytes, count: n * type.blockBytes),
                                   type: type, count: n, into: buf.baseAddress!)
                for j in 0..<n { accS += buf[j] * xOrig[i + j] }
                i += n
            }
        }
    }
    return acc.sum() + accS
}
