// llama.cpp's own arithmetic for the non-matmul steps: SwiGLU and attention, bit for bit.
//
// Why: parity with llama.cpp is judged on the top-1 token, and some prompts' top two logits are
// within 0.001 of each other. A last-bit difference anywhere (a libm expf against ggml's polynomial,
// a different summation order, a query not rounded to f16) moves an activation across a Q8 rounding
// boundary now and then, and 30 layers later that is a tenth of a logit. So these functions follow
// what ggml's CPU backend computes on an AVX-512 machine (llama.cpp's default build there), and get
// the same bits from AVX2 or plain C:
//   - ggml_v_expf (the AVX-512 variant: a degree-5 polynomial and scalef), for SiLU and softmax;
//   - the non-flash attention graph: KQ = K(f16)·Q(f16) and KQV = V(f16)·softmax(f16), each a
//     16-lane fused multiply-add accumulation reduced like _mm512_reduce_add_ps (llamafile's
//     tinyBLAS); softmax sums 16-lane partial sums in double (ggml_vec_soft_max_f32).
// Contraction is off in this file: every fused multiply-add below is written as one.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#include "CQuantKernels.h"
#include "qk_internal.h"

#include <math.h>

// MARK: - expf

/// ggml_v_expf (AVX-512), one lane: exp(x) with ≤ 1.5 ulp error, bit-identical to ggml's.
static inline float ggml_expf1(float x) {
    const float r = 0x1.8p23f;
    const float z = fmaf(x, 0x1.715476p+0f, r);
    const float n = z - r;
    const float b = fmaf(-n, 0x1.7f7d1cp-20f, fmaf(-n, 0x1.62e4p-1f, x));
    if (fabsf(n) > 192) return n <= 0 ? 0.0f : INFINITY;
    const float u = b * b;
    const float j = fmaf(fmaf(fmaf(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, fmaf(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)), u,
                         fmaf(0x1.ffffecp-1f, b, 1.0f));
    return ldexpf(j, (int)n);  // scalef: j·2ⁿ, rounded once
}

/// Reduces 16 lanes as _mm512_reduce_add_ps does: halves, then quarters, then (0+2)+(1+3).
static inline float reduce16(const float *a) {
    float t3[8], t6[4];
    for (int i = 0; i < 8; i++) t3[i] = a[i + 8] + a[i];
    for (int i = 0; i < 4; i++) t6[i] = t3[i + 4] + t3[i];
    return (t6[0] + t6[2]) + (t6[1] + t6[3]);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QK_AVX2 __attribute__((target("avx2,fma,f16c")))

/// ggml_expf1 on 8 lanes. The scalef step is an exponent-field multiply when |n| ≤ 126 (exact, one
/// rounding like scalef); other lanes (|x| beyond ~87) go through the scalar path.
QK_AVX2 static inline __m256 ggml_expf8(__m256 x) {
    const __m256 r = _mm256_set1_ps(0x1.8p23f);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), r);
    const __m256 n = _mm256_sub_ps(z, r);
    const __m256 absn = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), n);
    if (_mm256_movemask_ps(_mm256_cmp_ps(absn, _mm256_set1_ps(126), _CMP_GT_OQ))) {
        float in[8], out[8];
        _mm256_storeu_ps(in, x);
        for (int i = 0; i < 8; i++) out[i] = ggml_expf1(in[i]);
        return _mm256_loadu_ps(out);
    }
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f), _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 j = _mm256_fmadd_ps(
        _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), u,
                        _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f))),
        u, _mm256_fmadd_ps(_mm256_set1_ps(0x1.ffffecp-1f), b, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(j, _mm256_castsi256_ps(e));
}

/// reduce16 of lanes lo (0–7) and hi (8–15).
QK_AVX2 static inline float reduce16_avx2(__m256 lo, __m256 hi) {
    const __m256 t3 = _mm256_add_ps(hi, lo);
    __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
    t6 = _mm_add_ps(t6, _mm_movehl_ps(t6, t6));  // (0+2), (1+3)
    return _mm_cvtss_f32(_mm_add_ss(t6, _mm_movehdup_ps(t6)));
}

QK_AVX2 static void swiglu_avx2(int64_t n, float *g, const float *u) {
    int64_t i = 0;
    for (; i + 7 < n; i += 8) {
        const __m256 x = _mm256_loadu_ps(g + i);
        const __m256 e = ggml_expf8(_mm256_sub_ps(_mm256_setzero_ps(), x));
        const __m256 s = _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1), e));
        _mm256_storeu_ps(g + i, _mm256_mul_ps(s, _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) g[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}
#endif

static void swiglu_scalar(int64_t n, float *g, const float *u) {
    const int64_t n16 = n & ~(int64_t)15;
    for (int64_t i = 0; i < n16; i++) g[i] = g[i] / (1.0f + ggml_expf1(0.0f - g[i])) * u[i];
    for (int64_t i = n16; i < n; i++) g[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

void qk_swiglu(int64_t rows, int64_t n, float *g, const float *u) {
#if defined(__x86_64__) || defined(__i386__)
    // ggml's AVX-512 loop covers 16-value chunks and leaves the tail to libm's expf; the 8-lane loop
    // does the same when n is a multiple of 16, and the scalar path handles any other n exactly.
    if (qk_auto_isa() == QK_ISA_AVX2 && n % 16 == 0) {
        for (int64_t r = 0; r < rows; r++) swiglu_avx2(n, g + r * n, u + r * n);
        return;
    }
#endif
    for (int64_t r = 0; r < rows; r++) swiglu_scalar(n, g + r * n, u + r * n);
}

// MARK: - Attention

enum { QK_MAX_HEAD_DIM = 256 };

/// One head: scores, softmax and the weighted sum of values, in ggml's order. Lane i of a 16-lane
/// accumulator takes elements i, i+16, i+32, … of its dot product.
static void ggml_head(const qk_attend_ctx *c, int h) {
    const int W = c->G * c->D, D = c->D;
    const int64_t P = c->P, off = (int64_t)(h / (c->H / c->G)) * D;
    float qh[QK_MAX_HEAD_DIM];
    for (int d = 0; d < D; d++) qh[d] = qk_round_half(c->q[(int64_t)h * D + d]);  // Q → f16
    float *sc = c->scores + (int64_t)h * P, mx = -INFINITY;
    for (int64_t s = 0; s < P; s++) {
        const float *kr = c->K + s * W + off;
        float lane[16] = {0};
        for (int d = 0; d < D; d++) lane[d & 15] = fmaf(qh[d], kr[d], lane[d & 15]);
        sc[s] = reduce16(lane) * c->scale;
        if (sc[s] > mx) mx = sc[s];
    }
    double total = 0;
    for (int64_t s0 = 0; s0 < P; s0 += 16) {
        float lane[16] = {0};
        for (int64_t s = s0; s < s0 + 16 && s < P; s++) lane[s - s0] = sc[s] = ggml_expf1(sc[s] - mx);
        total += (double)reduce16(lane);
    }
    const float inv = (float)(1.0 / total);
    float acc[16][QK_MAX_HEAD_DIM];
    memset(acc, 0, sizeof(float) * 16 * (size_t)QK_MAX_HEAD_DIM);
    for (int64_t s = 0; s < P; s++) {
        const float p = qk_round_half(sc[s] * inv), *vr = c->V + s * W + off;  // softmax → f16
        float *a = acc[s & 15];
        for (int d = 0; d < D; d++) a[d] = fmaf(p, vr[d], a[d]);
    }
    float *o = c->out + (int64_t)h * D;
    for (int d = 0; d < D; d++) {
        float lane[16];
        for (int i = 0; i < 16; i++) lane[i] = acc[i][d];
        o[d] = reduce16(lane);
    }
}

#if defined(__x86_64__) || defined(__i386__)
QK_AVX2 static void ggml_head_avx2(const qk_attend_ctx *c, int h) {
    const int W = c->G * c->D, D = c->D;
    const int64_t P = c->P, off = (int64_t)(h / (c->H / c->G)) * D;
    float qh[QK_MAX_HEAD_DIM];
    for (int d = 0; d < D; d++) qh[d] = _cvtsh_ss(_cvtss_sh(c->q[(int64_t)h * D + d], 0));
    float *sc = c->scores + (int64_t)h * P, mx = -INFINITY;
    for (int64_t s = 0; s < P; s++) {
        const float *kr = c->K + s * W + off;
        __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
        for (int d = 0; d < D; d += 16) {
            lo = _mm256_fmadd_ps(_mm256_loadu_ps(qh + d), _mm256_loadu_ps(kr + d), lo);
            hi = _mm256_fmadd_ps(_mm256_loadu_ps(qh + d + 8), _mm256_loadu_ps(kr + d + 8), hi);
        }
        sc[s] = reduce16_avx2(lo, hi) * c->scale;
        if (sc[s] > mx) mx = sc[s];
    }
    double total = 0;
    const __m256 vmx = _mm256_set1_ps(mx);
    int64_t s0 = 0;
    for (; s0 + 16 <= P; s0 += 16) {
        const __m256 lo = ggml_expf8(_mm256_sub_ps(_mm256_loadu_ps(sc + s0), vmx));
        const __m256 hi = ggml_expf8(_mm256_sub_ps(_mm256_loadu_ps(sc + s0 + 8), vmx));
        _mm256_storeu_ps(sc + s0, lo);
        _mm256_storeu_ps(sc + s0 + 8, hi);
        total += (double)reduce16_avx2(lo, hi);
    }
    if (s0 < P) {
        float lane[16] = {0};
        for (int64_t s = s0; s < P; s++) lane[s - s0] = sc[s] = ggml_expf1(sc[s] - mx);
        total += (double)reduce16(lane);
    }
    const float inv = (float)(1.0 / total);
    __m256 acc[16][QK_MAX_HEAD_DIM / 8];
    const int D8 = D / 8;
    for (int i = 0; i < 16; i++) for (int j = 0; j < D8; j++) acc[i][j] = _mm256_setzero_ps();
    for (int64_t s = 0; s < P; s++) {
        const __m256 p = _mm256_set1_ps(_cvtsh_ss(_cvtss_sh(sc[s] * inv, 0)));
        const float *vr = c->V + s * W + off;
        __m256 *a = acc[s & 15];
        for (int j = 0; j < D8; j++) a[j] = _mm256_fmadd_ps(p, _mm256_loadu_ps(vr + 8 * j), a[j]);
    }
    float *o = c->out + (int64_t)h * D;
    for (int j = 0; j < D8; j++) {
        __m256 t3[8];
        for (int i = 0; i < 8; i++) t3[i] = _mm256_add_ps(acc[i + 8][j], acc[i][j]);
        __m256 t6[4];
        for (int i = 0; i < 4; i++) t6[i] = _mm256_add_ps(t3[i + 4], t3[i]);
        _mm256_storeu_ps(o + 8 * j, _mm256_add_ps(_mm256_add_ps(t6[0], t6[2]), _mm256_add_ps(t6[1], t6[3])));
    }
}
#endif

static void ggml_head_task(void *p, int64_t h) {
    const qk_attend_ctx *c = p;
#if defined(__x86_64__) || defined(__i386__)
    if (c->avx2) { ggml_head_avx2(c, (int)h); return; }
#endif
    ggml_head(c, (int)h);
}

int qk_attend_ggml(int nthreads, float *out, const float *q, const float *K, const float *V, float *scores, int64_t P,
                   int H, int G, int D, float scale) {
    if (D > QK_MAX_HEAD_DIM || P <= 0 || G <= 0 || H % G != 0) return 0;
    qk_attend_ctx c = {out, scores, q, K, V, P, H, G, D, scale, qk_auto_isa() == QK_ISA_AVX2 && D % 16 == 0, NULL};
    qk_parallel_for(qk_attend_threads(nthreads, P, H, D), H, ggml_head_task, &c);
    return 1;
}
