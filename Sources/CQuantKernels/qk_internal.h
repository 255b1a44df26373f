// Block layouts (ggml's, byte for byte), activation blocks, FP16 helpers and the kernel table type.
#ifndef QK_INTERNAL_H
#define QK_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// MARK: - Weight blocks (GGUF layout). d/m/dmin are IEEE half floats.

typedef struct { uint16_t d; uint8_t qs[16]; } qk_q4_0;                        // x = d·(q − 8)
typedef struct { uint16_t d, m; uint8_t qs[16]; } qk_q4_1;                     // x = d·q + m
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } qk_q5_0;         // x = d·(q − 16)
typedef struct { uint16_t d, m; uint8_t qh[4]; uint8_t qs[16]; } qk_q5_1;      // x = d·q + m
typedef struct { uint16_t d; int8_t qs[32]; } qk_q8_0;                         // x = d·q
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[128]; } qk_q4_K;             // 8 × 32
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } qk_q5_K;
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } qk_q6_K;     // 16 × 16

_Static_assert(sizeof(qk_q4_0) == 18 && sizeof(qk_q4_1) == 20 && sizeof(qk_q5_0) == 22, "block size");
_Static_assert(sizeof(qk_q5_1) == 24 && sizeof(qk_q8_0) == 34, "block size");
_Static_assert(sizeof(qk_q4_K) == 144 && sizeof(qk_q5_K) == 176 && sizeof(qk_q6_K) == 210, "block size");

// MARK: - Activation blocks

/// 32 activations: x ≈ d·q. d is rounded to FP16 precision (as llama.cpp stores it) and
/// s = d·Σq (also FP16-rounded), which the Q4_1/Q5_1 min term needs.
typedef struct { float d, s; int8_t qs[32]; } qk_a32;
/// 256 activations (Q8_K): x ≈ d·q, with bsums[g] = Σ q over group g of 16 (the K-quant min terms).
typedef struct { float d; int16_t bsums[16]; int8_t qs[256]; } qk_a256;

enum { QK_Q4_0 = 2, QK_Q4_1 = 3, QK_Q5_0 = 6, QK_Q5_1 = 7, QK_Q8_0 = 8, QK_Q4_K = 12, QK_Q5_K = 13, QK_Q6_K = 14 };

/// Most activation rows one kernel call takes (each weight block is unpacked once for all of them).
#define QK_NMAX 8

/// out[b] = Σ over `nb` blocks of one weight row · activation row b, for b < n ≤ QK_NMAX; activation
/// row b starts at a + b·astride bytes. Each out[b] is computed the same way whatever n is.
typedef void (*qk_dotn_fn)(int nb, const void *w, const void *a, size_t astride, int n, float *out);

/// Kernel tables indexed by ggml type id (entries 0..14), NULL where unsupported.
extern const qk_dotn_fn qk_scalar_kernels[15];
extern const qk_dotn_fn qk_avx2_kernels[15];
/// Q4_K for activation rows that llama.cpp's repacked Q4_K computes with its 4-row gemm (the first
/// batch − batch % 4 rows of a batch of ≥ 4): one fused multiply-add per pair of sub-blocks instead
/// of one per superblock, so those rows round differently (qk_matmul_rows picks it).
extern const qk_dotn_fn qk_scalar_q4_K_gemm;
extern const qk_dotn_fn qk_avx2_q4_K_gemm;
/// Q6_K as llama.cpp's tiled K-quant matmul computes it: it takes every row of a prompt batch of
/// 8+ rows (one multiply and one fused multiply-add per superblock on the exact integer sum).
extern const qk_dotn_fn qk_scalar_q6_K_tiled;
extern const qk_dotn_fn qk_avx2_q6_K_tiled;

// MARK: - FP16

/// IEEE half → float, exact (subnormals, inf and NaN included).
static inline float qk_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, man = h & 0x3FFu, bits;
    if (e == 0) {
        float f = (float)man * (1.0f / 16777216.0f);  // man · 2^-24
        memcpy(&bits, &f, 4);
        bits |= sign;
    } else if (e == 31) {
        bits = sign | 0x7F800000u | (man << 13);
    } else {
        bits = sign | ((e + 112u) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/// f rounded (to nearest even) to the nearest value an IEEE half can hold, kept as a float.
static inline float qk_round_half(float f) {
    float a = fabsf(f);
    if (!(a < 65520.0f)) return a != a ? f : copysignf(INFINITY, f);
    if (a < 6.103515625e-05f) return copysignf(nearbyintf(a * 16777216.0f) / 16777216.0f, f);  // 2^-24 grid
    uint32_t b;
    memcpy(&b, &a, 4);
    b = (b + 0xFFFu + ((b >> 13) & 1u)) & ~0x1FFFu;  // keep 10 mantissa bits, ties to even
    memcpy(&a, &b, 4);
    return copysignf(a, f);
}

/// K-quant 6-bit scale and min of sub-block j from the packed 12 bytes (ggml's get_scale_min_k4).
static inline void qk_scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

// MARK: - Attention (qk_attention.c, qk_ggml.c)

/// One single-query attention call: its arguments, and whether the heads run the AVX2 code.
typedef struct {
    float *out, *scores;
    const float *q, *K, *V;
    int64_t P;
    int H, G, D;
    float scale;
    int avx2;
    /// P flags, 0 = a position no query may attend to (padding); NULL = every position (qk_attend).
    const float *mask;
} qk_attend_ctx;

/// Threads for an attention call: small caches are not worth a hand-off (~a few µs), so below 2¹⁵
/// multiply-adds per head-set the caller runs every head itself.
static inline int qk_attend_threads(int nthreads, int64_t P, int H, int D) {
    return P * H * D >= (1 << 15) ? nthreads : 1;
}

#endif
