// AVX2 + FMA + F16C dot kernels, compiled per function with a target attribute (no -march for the
// module) and only called after qk_isa_available(QK_ISA_AVX2) checked the CPU.
//
// Legend as in qk_scalar.c. 32 weight values are unpacked into one __m256i of bytes (low nibbles
// in the lower 128 bits = values 0..15, high nibbles in the upper = values 16..31, which is also
// the activation order). Products use maddubs (unsigned × signed bytes → pairs summed in int16)
// then madd with 1 or a scale (→ int32): exact integer sums, converted to float once per block.
#include "qk_internal.h"

#include <stddef.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define QK_AVX2 __attribute__((target("avx2,fma,f16c")))

// MARK: - Helpers

QK_AVX2 static inline float hsum(__m256 v) {
    __m128 a = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    a = _mm_add_ps(a, _mm_movehl_ps(a, a));
    a = _mm_add_ss(a, _mm_movehdup_ps(a));
    return _mm_cvtss_f32(a);
}

/// Σ of the 8 int32 lanes (exact).
QK_AVX2 static inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

QK_AVX2 static inline float half(uint16_t h) { return _cvtsh_ss(h); }

/// 16 bytes → 32 nibbles (low nibbles first).
QK_AVX2 static inline __m256i nibbles(const uint8_t *p) {
    __m128i t = _mm_loadu_si128((const __m128i *)p);
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(t, 4), t), _mm256_set1_epi8(0x0F));
}

/// Byte j = 0xFF where bit j of the 32 bits at p is set.
QK_AVX2 static inline __m256i bit_bytes(const uint8_t *p) {
    uint32_t bits;
    memcpy(&bits, p, 4);
    const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i mask = _mm256_set1_epi64x(0x8040201008040201LL);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), spread);
    return _mm256_cmpeq_epi8(_mm256_and_si256(v, mask), mask);
}

/// Σ of unsigned u × signed s bytes, 4 products per int32 lane (maddubs pairs cannot saturate here).
QK_AVX2 static inline __m256i dot_us(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

#define LOAD(p) _mm256_loadu_si256((const __m256i *)(p))

// MARK: - 32-value blocks
//
// Each kernel takes n ≤ QK_NMAX activation rows (astride bytes apart) and unpacks every weight
// block once for all of them; per activation row the arithmetic is the same whatever n is, so a
// batch gives bit-identical results to single rows. The `_n` bodies are always inlined into a
// switch on n so that their loops over b unroll and the accumulators stay in registers.

#define INLINE static inline __attribute__((always_inline))
#define ACT32(b, i) ((const qk_a32 *)(av + (size_t)(b) * as) + (i))
#define ACT256(b, i) ((const qk_a256 *)(av + (size_t)(b) * as) + (i))
#define DISPATCH_N(body)                                  \
    switch (n) {                                          \
    case 1: body(nb, wv, av, as, 1, out); break;          \
    case 2: body(nb, wv, av, as, 2, out); break;          \
    case 3: body(nb, wv, av, as, 3, out); break;          \
    case 4: body(nb, wv, av, as, 4, out); break;          \
    case 5: body(nb, wv, av, as, 5, out); break;          \
    case 6: body(nb, wv, av, as, 6, out); break;          \
    case 7: body(nb, wv, av, as, 7, out); break;          \
    default: body(nb, wv, av, as, 8, out); break;         \
    }

/// Weight block → 32 bytes (value order) + scale, min, and whether the bytes are signed.
typedef struct { __m256i q; float d, m; } qk_w32;

QK_AVX2 INLINE qk_w32 unpack_q4_0(const void *p) {
    const qk_q4_0 *w = p;
    return (qk_w32){_mm256_sub_epi8(nibbles(w->qs), _mm256_set1_epi8(8)), half(w->d), 0};
}
QK_AVX2 INLINE qk_w32 unpack_q4_1(const void *p) {
    const qk_q4_1 *w = p;
    return (qk_w32){nibbles(w->qs), half(w->d), half(w->m)};
}
QK_AVX2 INLINE qk_w32 unpack_q5_0(const void *p) {
    // q − 16 as a signed byte: the nibble with 0xF0 or-ed in where the fifth bit is clear.
    const qk_q5_0 *w = p;
    __m256i q = _mm256_or_si256(nibbles(w->qs), _mm256_andnot_si256(bit_bytes(w->qh), _mm256_set1_epi8((char)0xF0)));
    return (qk_w32){q, half(w->d), 0};
}
QK_AVX2 INLINE qk_w32 unpack_q5_1(const void *p) {
    const qk_q5_1 *w = p;
    __m256i q = _mm256_or_si256(nibbles(w->qs), _mm256_and_si256(bit_bytes(w->qh), _mm256_set1_epi8(0x10)));
    return (qk_w32){q, half(w->d), half(w->m)};
}
QK_AVX2 INLINE qk_w32 unpack_q8_0(const void *p) {
    const qk_q8_0 *w = p;
    return (qk_w32){LOAD(w->qs), half(w->d), 0};
}

/// Σ blocks for n activation rows. Signed weights use |q| × (x with q's sign) so maddubs applies.
#define BLOCK32_KERNEL(NAME, WT, UNPACK, SIGNED, HASMIN)                                                     \
    QK_AVX2 INLINE void NAME##_n(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out) { \
        const WT *w = wv;                                                                                    \
        __m256 acc[QK_NMAX];                                                                                 \
        float mins[QK_NMAX];                                                                                 \
        for (int b = 0; b < n; b++) { acc[b] = _mm256_setzero_ps(); mins[b] = 0; }                           \
        for (int i = 0; i < nb; i++) {                                                                       \
            qk_w32 u = UNPACK(&w[i]);                                                                        \
            __m256i uq = SIGNED ? _mm256_sign_epi8(u.q, u.q) : u.q;                                          \
            for (int b = 0; b < n; b++) {                                                                    \
                const qk_a32 *a = ACT32(b, i);                                                               \
                __m256i y = LOAD(a->qs);                                                                     \
                if (SIGNED) y = _mm256_sign_epi8(y, u.q);                                                    \
                __m256 s = _mm256_cvtepi32_ps(dot_us(uq, y));                                                \
                acc[b] = _mm256_fmadd_ps(_mm256_set1_ps(u.d * a->d), s, acc[b]);                             \
                if (HASMIN) mins[b] += u.m * a->s;                                                           \
            }                                                                                                \
        }                                                                                                    \
        for (int b = 0; b < n; b++) out[b] = hsum(acc[b]) + mins[b];                                         \
    }                                                                                                        \
    QK_AVX2 static void NAME(int nb, const void *wv, const void *avv, size_t as, int n, float *out) {       \
        const uint8_t *av = avv;                                                                             \
        DISPATCH_N(NAME##_n)                                                                                 \
    }

BLOCK32_KERNEL(dot_q4_0, qk_q4_0, unpack_q4_0, 1, 0)
BLOCK32_KERNEL(dot_q4_1, qk_q4_1, unpack_q4_1, 0, 1)
BLOCK32_KERNEL(dot_q5_0, qk_q5_0, unpack_q5_0, 1, 0)
BLOCK32_KERNEL(dot_q5_1, qk_q5_1, unpack_q5_1, 0, 1)
BLOCK32_KERNEL(dot_q8_0, qk_q8_0, unpack_q8_0, 1, 0)

// MARK: - K-quants

/// Σ_j m_j·(bsums[2j] + bsums[2j+1]) with the 8 mins given as 16 int16 (each twice).
QK_AVX2 INLINE int min_dot(__m256i mins16, const int16_t *bsums) {
    return hsum_i32(_mm256_madd_epi16(mins16, LOAD(bsums)));
}

/// Q4_K / Q5_K: the 8 sub-blocks unpacked once, Σ_j sc_j·Σq·q8 in int32 lanes per activation row,
/// the mins from bsums. mode 1 = Q5_K (lanes, like ggml_vec_dot_q5_K_q8_K); Q4_K follows llama.cpp's
/// repacked kernels: mode 0 = gemv (one step per superblock), mode 2 = 4-row gemm (one per sub-block pair).
QK_AVX2 INLINE void dot_q45K_n(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out,
                               const int mode) {
    __m256 acc[QK_NMAX];           // Q5_K: float lanes
    float accs[QK_NMAX], mins[QK_NMAX];  // Q4_K: one running sum
    for (int b = 0; b < n; b++) { acc[b] = _mm256_setzero_ps(); accs[b] = mins[b] = 0; }
    const __m256i low = _mm256_set1_epi8(0x0F), bit5 = _mm256_set1_epi8(0x10);
    for (int i = 0; i < nb; i++) {
        const uint8_t *scales, *qs, *qh = NULL;
        float d, dmin;
        if (mode == 1) {
            const qk_q5_K *w = (const qk_q5_K *)wv + i;
            scales = w->scales; qs = w->qs; qh = w->qh; d = half(w->d); dmin = half(w->dmin);
        } else {
            const qk_q4_K *w = (const qk_q4_K *)wv + i;
            scales = w->scales; qs = w->qs; d = half(w->d); dmin = half(w->dmin);
        }
        uint8_t sc[8], m[8];
        for (int j = 0; j < 8; j++) qk_scale_min_k4(j, scales, &sc[j], &m[j]);
        const __m256i mins16 = _mm256_setr_epi16(m[0], m[0], m[1], m[1], m[2], m[2], m[3], m[3],
                                                 m[4], m[4], m[5], m[5], m[6], m[6], m[7], m[7]);
        __m256i q[8];
        const __m256i hbits = mode == 1 ? LOAD(qh) : _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i raw = LOAD(qs + 32 * c);
            q[2 * c] = _mm256_and_si256(raw, low);
            q[2 * c + 1] = _mm256_and_si256(_mm256_srli_epi16(raw, 4), low);
            if (mode == 1) {
                const __m256i b0 = _mm256_set1_epi8((char)(1 << (2 * c))), b1 = _mm256_set1_epi8((char)(1 << (2 * c + 1)));
                q[2 * c] = _mm256_or_si256(q[2 * c], _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, b0), b0), bit5));
                q[2 * c + 1] = _mm256_or_si256(q[2 * c + 1], _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, b1), b1), bit5));
            }
        }
        for (int b = 0; b < n; b++) {
            const qk_a256 *a = ACT256(b, i);
            if (mode == 1) {
                __m256i sumi = _mm256_setzero_si256();
                for (int j = 0; j < 8; j++) {
                    __m256i p = _mm256_maddubs_epi16(q[j], LOAD(a->qs + 32 * j));
                    sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, _mm256_set1_epi16(sc[j])));
                }
                acc[b] = _mm256_fmadd_ps(_mm256_set1_ps(a->d * d), _mm256_cvtepi32_ps(sumi), acc[b]);
                mins[b] += a->d * dmin * (float)min_dot(mins16, a->bsums);
                continue;
            }
            // Q4_K (see qk_scalar.c): exact integer sums per pair of sub-blocks, folded into the float
            // sums once per superblock (mode 0) or once per pair (mode 2).
            int isum[4], imin[4];
            for (int c = 0; c < 4; c++) {
                __m256i sumi = _mm256_setzero_si256();
                for (int j = 2 * c; j < 2 * c + 2; j++) {
                    __m256i p = _mm256_maddubs_epi16(q[j], LOAD(a->qs + 32 * j));
                    sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, _mm256_set1_epi16(sc[j])));
                }
                isum[c] = hsum_i32(sumi);
                imin[c] = m[2 * c] * (a->bsums[4 * c] + a->bsums[4 * c + 1]) + m[2 * c + 1] * (a->bsums[4 * c + 2] + a->bsums[4 * c + 3]);
            }
            if (mode == 2) {
                for (int c = 0; c < 4; c++) {
                    accs[b] = fmaf((float)isum[c], d * a->d, accs[b]);
                    mins[b] = fmaf((float)imin[c], dmin * a->d, mins[b]);
                }
            } else {
                accs[b] = fmaf((float)(isum[0] + isum[1] + isum[2] + isum[3]), d * a->d, accs[b]);
                mins[b] = fmaf((float)(imin[0] + imin[1] + imin[2] + imin[3]), dmin * a->d, mins[b]);
            }
        }
    }
    for (int b = 0; b < n; b++) out[b] = (mode == 1 ? hsum(acc[b]) : accs[b]) - mins[b];
}

QK_AVX2 INLINE void dot_q4_K_n(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out) {
    dot_q45K_n(nb, wv, av, as, n, out, 0);
}
QK_AVX2 INLINE void dot_q5_K_n(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out) {
    dot_q45K_n(nb, wv, av, as, n, out, 1);
}
QK_AVX2 static void dot_q4_K(int nb, const void *wv, const void *avv, size_t as, int n, float *out) {
    const uint8_t *av = avv;
    DISPATCH_N(dot_q4_K_n)
}
QK_AVX2 static void dot_q5_K(int nb, const void *wv, const void *avv, size_t as, int n, float *out) {
    const uint8_t *av = avv;
    DISPATCH_N(dot_q5_K_n)
}
QK_AVX2 INLINE void dot_q4_K_gemm_n(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out) {
    dot_q45K_n(nb, wv, av, as, n, out, 2);
}
QK_AVX2 static void dot_q4_K_gemm(int nb, const void *wv, const void *avv, size_t as, int n, float *out) {
    const uint8_t *av = avv;
    DISPATCH_N(dot_q4_K_gemm_n)
}

/// Two int16 scales: a for the lower 16 bytes' products, b for the upper.
QK_AVX2 INLINE __m256i scale2(int a, int b) {
    return _mm256_set_m128i(_mm_set1_epi16((short)b), _mm_set1_epi16((short)a));
}

/// Q6_K. tiled = 0: ggml_vec_dot_q6_K_q8_K (8 float lanes). tiled = 1: llama.cpp's tiled K-quant matmul,
/// which takes prompt batches of 8+ rows: per superblock, acc += (Σ·d)·d₈ on the exact integer sum.
QK_AVX2 INLINE void dot_q6_K_mode(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out,
                                  const int tiled) {
    const qk_q6_K *w = wv;
    const __m256i low = _mm256_set1_epi8(0x0F), two = _mm256_set1_epi8(3);
    __m256 acc[QK_NMAX];   // vec_dot: float lanes
    float accs[QK_NMAX];   // tiled: one running sum
    for (int b = 0; b < n; b++) { acc[b] = _mm256_setzero_ps(); accs[b] = 0; }
    for (int i = 0; i < nb; i++) {
        const float dw = half(w[i].d);
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w[i].scales));
        __m256i sumi[QK_NMAX];
        for (int b = 0; b < n; b++) sumi[b] = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = w[i].ql + 64 * h, *qh = w[i].qh + 32 * h;
            const int8_t *sc = w[i].scales + 8 * h;
            __m256i l0 = LOAD(ql), l1 = LOAD(ql + 32), hb = LOAD(qh);
            __m256i q[4], s[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, low), _mm256_slli_epi16(_mm256_and_si256(hb, two), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, low),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), two), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), two), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), two), 4));
            for (int j = 0; j < 4; j++) s[j] = scale2(sc[2 * j], sc[2 * j + 1]);
            for (int b = 0; b < n; b++) {
                const int8_t *q8 = ACT256(b, i)->qs + 128 * h;
                for (int j = 0; j < 4; j++) {
                    __m256i p = _mm256_maddubs_epi16(q[j], LOAD(q8 + 32 * j));
                    sumi[b] = _mm256_add_epi32(sumi[b], _mm256_madd_epi16(p, s[j]));
                }
            }
        }
        for (int b = 0; b < n; b++) {
            const qk_a256 *a = ACT256(b, i);
            const float d = a->d * dw;
            // The −32 offset per int32 lane before the float step, as ggml_vec_dot_q6_K_q8_K does, so
            // each lane (and so the sum) rounds like llama.cpp's.
            const __m256i sub = _mm256_slli_epi32(_mm256_madd_epi16(LOAD(a->bsums), sc16), 5);
            const __m256i lanes = _mm256_sub_epi32(sumi[b], sub);
            if (tiled) {
                accs[b] = fmaf((float)hsum_i32(lanes) * dw, a->d, accs[b]);
            } else {
                acc[b] = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(lanes), acc[b]);
            }
        }
    }
    for (int b = 0; b < n; b++) out[b] = tiled ? accs[b] : hsum(acc[b]);
}
QK_AVX2 INLINE void dot_q6_K_n(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out) {
    dot_q6_K_mode(nb, wv, av, as, n, out, 0);
}
QK_AVX2 INLINE void dot_q6_K_tiled_n(int nb, const void *wv, const uint8_t *av, size_t as, const int n, float *out) {
    dot_q6_K_mode(nb, wv, av, as, n, out, 1);
}
QK_AVX2 static void dot_q6_K_tiled(int nb, const void *wv, const void *avv, size_t as, int n, float *out) {
    const uint8_t *av = avv;
    DISPATCH_N(dot_q6_K_tiled_n)
}

QK_AVX2 static void dot_q6_K(int nb, const void *wv, const void *avv, size_t as, int n, float *out) {
    const uint8_t *av = avv;
    DISPATCH_N(dot_q6_K_n)
}

const qk_dotn_fn qk_avx2_kernels[15] = {
    [QK_Q4_0] = dot_q4_0, [QK_Q4_1] = dot_q4_1, [QK_Q5_0] = dot_q5_0, [QK_Q5_1] = dot_q5_1,
    [QK_Q8_0] = dot_q8_0, [QK_Q4_K] = dot_q4_K, [QK_Q5_K] = dot_q5_K, [QK_Q6_K] = dot_q6_K,
};
const qk_dotn_fn qk_avx2_q4_K_gemm = dot_q4_K_gemm;
const qk_dotn_fn qk_avx2_q6_K_tiled = dot_q6_K_tiled;

#else
// Non-x86 builds: no AVX2 kernels; qk_isa_available(QK_ISA_AVX2) is 0 there.
const qk_dotn_fn qk_avx2_kernels[15] = {0};
const qk_dotn_fn qk_avx2_q4_K_gemm = 0;
const qk_dotn_fn qk_avx2_q6_K_tiled = 0;
#endif
