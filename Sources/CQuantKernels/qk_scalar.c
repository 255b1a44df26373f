// Portable scalar dot kernels: the reference each AVX2 kernel must agree with, and the fallback.
//
// Legend: w = weight block, a = activation block (x ≈ a.d·q8), q = integer weight value,
// Σqa = Σ q·q8 over the block (exact in int32). Per block the contribution is
//   Q4_0/Q5_0/Q8_0: w.d·a.d·Σ(q − off)·q8          Q4_1/Q5_1: w.d·a.d·Σq·q8 + w.m·a.s
//   Q4_K/Q5_K (sub-block j of 32): a.d·(w.d·sc_j·Σq·q8 − w.dmin·m_j·Σq8)
//   Q6_K (group g of 16): a.d·w.d·sc_g·Σ(q − 32)·q8
#include "qk_internal.h"

#include <stddef.h>

// MARK: - 32-value blocks

/// Value j (0..<32) of a block: low nibbles hold values 0–15, high nibbles 16–31; Q5 types add bit j
/// of qh as the fifth bit. The Q4_0/Q5_0/Q8_0 offsets (8, 16, 0) are applied here.
static inline int nib(const uint8_t *qs, int j) { return j < 16 ? qs[j] & 0xF : qs[j - 16] >> 4; }
static inline int high5(const uint8_t *qh, int j) { return ((qh[j >> 3] >> (j & 7)) & 1) << 4; }
static inline int value_q4_0(const qk_q4_0 *w, int j) { return nib(w->qs, j) - 8; }
static inline int value_q4_1(const qk_q4_1 *w, int j) { return nib(w->qs, j); }
static inline int value_q5_0(const qk_q5_0 *w, int j) { return (nib(w->qs, j) | high5(w->qh, j)) - 16; }
static inline int value_q5_1(const qk_q5_1 *w, int j) { return nib(w->qs, j) | high5(w->qh, j); }
static inline int value_q8_0(const qk_q8_0 *w, int j) { return w->qs[j]; }

/// The min term of one block: w.m·a.s for Q4_1/Q5_1, none for the others.
#define WITH_MIN(w, a) (qk_half_to_float((w).m) * (a).s)
#define NO_MIN(w, a) 0.0f

/// Σ blocks of w.d·a.d·Σ value·q8 (exact int), plus Σ of the blocks' min terms.
#define SCALAR_BLOCK32(NAME, WT, VALUE, MIN)                                    \
    static float NAME(int nb, const void *wv, const void *av) {                   \
        const WT *w = wv;                                                         \
        const qk_a32 *a = av;                                                     \
        float acc = 0, mins = 0;                                                  \
        for (int i = 0; i < nb; i++) {                                            \
            int s = 0;                                                            \
            for (int j = 0; j < 32; j++) s += VALUE(&w[i], j) * a[i].qs[j];       \
            acc += qk_half_to_float(w[i].d) * a[i].d * (float)s;                  \
            mins += MIN(w[i], a[i]);                                              \
        }                                                                         \
        return acc + mins;                                                        \
    }

SCALAR_BLOCK32(dot_q4_0, qk_q4_0, value_q4_0, NO_MIN)
SCALAR_BLOCK32(dot_q4_1, qk_q4_1, value_q4_1, WITH_MIN)
SCALAR_BLOCK32(dot_q5_0, qk_q5_0, value_q5_0, NO_MIN)
SCALAR_BLOCK32(dot_q5_1, qk_q5_1, value_q5_1, WITH_MIN)
SCALAR_BLOCK32(dot_q8_0, qk_q8_0, value_q8_0, NO_MIN)

// MARK: - K-quants (256-value super-blocks)

/// One Q4_K/Q5_K superblock's integer sums: Σ_j sc_j·(q·q8 over sub-block j) and Σ_j m_j·(q8 sums of j).
/// The two formats share everything but the fifth bit (qh == NULL for Q4_K).
static inline void int_qk_4or5(const uint8_t *scales, const uint8_t *qs, const uint8_t *qh, const qk_a256 *a,
                               int *sumi_out, int *summ_out) {
    int sumi = 0, summ = 0;
    for (int c = 0; c < 4; c++) {
        uint8_t s0, m0, s1, m1;
        qk_scale_min_k4(2 * c, scales, &s0, &m0);
        qk_scale_min_k4(2 * c + 1, scales, &s1, &m1);
        int p0 = 0, p1 = 0;
        for (int l = 0; l < 32; l++) {
            int lo = qs[32 * c + l] & 0xF, hi = qs[32 * c + l] >> 4;
            if (qh) {
                lo |= ((qh[l] >> (2 * c)) & 1) << 4;
                hi |= ((qh[l] >> (2 * c + 1)) & 1) << 4;
            }
            p0 += lo * a->qs[64 * c + l];
            p1 += hi * a->qs[64 * c + 32 + l];
        }
        sumi += s0 * p0 + s1 * p1;
        summ += m0 * (a->bsums[4 * c] + a->bsums[4 * c + 1]) + m1 * (a->bsums[4 * c + 2] + a->bsums[4 * c + 3]);
    }
    *sumi_out = sumi;
    *summ_out = summ;
}

static inline float dot_qk_4or5(const uint8_t *scales, const uint8_t *qs, const uint8_t *qh, float d, float dmin,
                                const qk_a256 *a) {
    int sumi, summ;
    int_qk_4or5(scales, qs, qh, a, &sumi, &summ);
    return a->d * (d * (float)sumi - dmin * (float)summ);
}

/// Q4_K in the order of llama.cpp's repacked Q4_K kernels (ggml_gemm/gemv_q4_K_8x8_q8_K, which
/// x86 builds use for every Q4_K matrix with rows % 8 == 0): exact integer sums per superblock, then
/// acc += Σ·(d·d₈) and mins += Σm·(dmin·d₈) as fused multiply-adds, and acc − mins at the end.
static float dot_q4_K(int nb, const void *wv, const void *av) {
    const qk_q4_K *w = wv;
    const qk_a256 *a = av;
    float acc = 0, mins = 0;
    for (int i = 0; i < nb; i++) {
        int sumi, summ;
        int_qk_4or5(w[i].scales, w[i].qs, NULL, &a[i], &sumi, &summ);
        acc = fmaf((float)sumi, qk_half_to_float(w[i].d) * a[i].d, acc);
        mins = fmaf((float)summ, qk_half_to_float(w[i].dmin) * a[i].d, mins);
    }
    return acc - mins;
}

/// dot_q4_K as llama.cpp's 4-row repacked gemm rounds it: one step per pair of sub-blocks.
static float dot_q4_K_gemm(int nb, const void *wv, const void *av) {
    const qk_q4_K *w = wv;
    const qk_a256 *a = av;
    float acc = 0, mins = 0;
    for (int i = 0; i < nb; i++) {
        const float d = qk_half_to_float(w[i].d) * a[i].d, dmin = qk_half_to_float(w[i].dmin) * a[i].d;
        for (int c = 0; c < 4; c++) {
            uint8_t s0, m0, s1, m1;
            qk_scale_min_k4(2 * c, w[i].scales, &s0, &m0);
            qk_scale_min_k4(2 * c + 1, w[i].scales, &s1, &m1);
            int p0 = 0, p1 = 0;
            for (int l = 0; l < 32; l++) {
                p0 += (w[i].qs[32 * c + l] & 0xF) * a[i].qs[64 * c + l];
                p1 += (w[i].qs[32 * c + l] >> 4) * a[i].qs[64 * c + 32 + l];
            }
            const int imin = m0 * (a[i].bsums[4 * c] + a[i].bsums[4 * c + 1]) + m1 * (a[i].bsums[4 * c + 2] + a[i].bsums[4 * c + 3]);
            acc = fmaf((float)(s0 * p0 + s1 * p1), d, acc);
            mins = fmaf((float)imin, dmin, mins);
        }
    }
    return acc - mins;
}

static float dot_q5_K(int nb, const void *wv, const void *av) {
    const qk_q5_K *w = wv;
    const qk_a256 *a = av;
    float acc = 0;
    for (int i = 0; i < nb; i++) {
        acc += dot_qk_4or5(w[i].scales, w[i].qs, w[i].qh, qk_half_to_float(w[i].d), qk_half_to_float(w[i].dmin), &a[i]);
    }
    return acc;
}

/// One Q6_K superblock's exact integer sum Σ_g sc_g·Σ(q − 32)·q8.
static int int_q6_K(const qk_q6_K *w, const qk_a256 *a) {
    int sumi = 0;
    for (int n = 0; n < 2; n++) {
        const uint8_t *ql = w->ql + 64 * n, *qh = w->qh + 32 * n;
        const int8_t *sc = w->scales + 8 * n, *q8 = a->qs + 128 * n;
        int p[8] = {0};
        for (int l = 0; l < 32; l++) {
            int g = l / 16;
            p[g + 0] += (((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32) * q8[l];
            p[g + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * q8[l + 32];
            p[g + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * q8[l + 64];
            p[g + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * q8[l + 96];
        }
        for (int g = 0; g < 8; g++) sumi += sc[g] * p[g];
    }
    return sumi;
}

/// dot_q6_K as llama.cpp's tiled K-quant matmul rounds it (prompt batches of 8+ rows).
static float dot_q6_K_tiled(int nb, const void *wv, const void *av) {
    const qk_q6_K *w = wv;
    const qk_a256 *a = av;
    float acc = 0;
    for (int i = 0; i < nb; i++) acc = fmaf((float)int_q6_K(&w[i], &a[i]) * qk_half_to_float(w[i].d), a[i].d, acc);
    return acc;
}

static float dot_q6_K(int nb, const void *wv, const void *av) {
    const qk_q6_K *w = wv;
    const qk_a256 *a = av;
    float acc = 0;
    for (int i = 0; i < nb; i++) acc += a[i].d * qk_half_to_float(w[i].d) * (float)int_q6_K(&w[i], &a[i]);
    return acc;
}

// MARK: - Table

/// The scalar kernels take one activation row at a time; these wrappers loop over the n rows.
#define ROWS(NAME)                                                                          \
    static void NAME##_rows(int nb, const void *w, const void *a, size_t as, int n, float *out) { \
        for (int b = 0; b < n; b++) out[b] = NAME(nb, w, (const uint8_t *)a + (size_t)b * as);    \
    }
ROWS(dot_q4_0) ROWS(dot_q4_1) ROWS(dot_q5_0) ROWS(dot_q5_1) ROWS(dot_q8_0) ROWS(dot_q4_K) ROWS(dot_q4_K_gemm) ROWS(dot_q5_K) ROWS(dot_q6_K) ROWS(dot_q6_K_tiled)

const qk_dotn_fn qk_scalar_kernels[15] = {
    [QK_Q4_0] = dot_q4_0_rows, [QK_Q4_1] = dot_q4_1_rows, [QK_Q5_0] = dot_q5_0_rows, [QK_Q5_1] = dot_q5_1_rows,
    [QK_Q8_0] = dot_q8_0_rows, [QK_Q4_K] = dot_q4_K_rows, [QK_Q5_K] = dot_q5_K_rows, [QK_Q6_K] = dot_q6_K_rows,
};
const qk_dotn_fn qk_scalar_q4_K_gemm = dot_q4_K_gemm_rows;
const qk_dotn_fn qk_scalar_q6_K_tiled = dot_q6_K_tiled_rows;
