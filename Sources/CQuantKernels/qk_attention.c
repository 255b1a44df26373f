// Single-query attention over a Float32 KV cache (one decode row): heads split over the pool, AVX2+FMA or scalar.
//
// Legend: H query heads, G KV heads (head h reads KV head h / (H/G)), D head dim, W = G·D floats
// per cache row, P cached positions. out (H, D) = softmax(q·Kᵀ·scale) · V per head.
// Why here and not in Swift: at a few hundred positions this is ~20% of a SmolLM2 decode step and
// it reads the whole cache, so it must run on both threads (it was serial, capping 2-thread
// speed-up), and Swift gets only SSE from baseline x86-64.
#include "CQuantKernels.h"
#include "qk_internal.h"

#include <math.h>


/// sc[s] ← exp(sc[s] − mx) over the P scores of one head; returns 1 / Σ, the softmax normalizer.
/// Shared by the AVX2 and scalar heads (the exponentials are scalar in both).
static inline float exp_scores(float *sc, int64_t P, float mx) {
    float total = 0;
    for (int64_t s = 0; s < P; s++) { sc[s] = expf(sc[s] - mx); total += sc[s]; }
    return 1 / total;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static void head_avx2(const qk_attend_ctx *c, int h) {
    const int W = c->G * c->D, D = c->D, D8 = D & ~7;
    const float *qh = c->q + (int64_t)h * D;
    const int64_t off = (int64_t)(h / (c->H / c->G)) * D;
    float *sc = c->scores + (int64_t)h * c->P, mx = -INFINITY;
    for (int64_t s = 0; s < c->P; s++) {
        if (c->mask && c->mask[s] == 0) { sc[s] = -INFINITY; continue; }
        const float *kr = c->K + s * W + off;
        __m256 acc = _mm256_setzero_ps();
        int d = 0;
        for (; d < D8; d += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(qh + d), _mm256_loadu_ps(kr + d), acc);
        __m128 a = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
        a = _mm_add_ps(a, _mm_movehl_ps(a, a));
        a = _mm_add_ss(a, _mm_movehdup_ps(a));
        float dot = _mm_cvtss_f32(a);
        for (; d < D; d++) dot += qh[d] * kr[d];
        sc[s] = dot * c->scale;
        if (sc[s] > mx) mx = sc[s];
    }
    float *o = c->out + (int64_t)h * D;
    for (int d = 0; d < D; d++) o[d] = 0;
    if (mx == -INFINITY) return;  // every position masked: attends to nothing
    const float inv = exp_scores(sc, c->P, mx);
    for (int64_t s = 0; s < c->P; s++) {
        if (sc[s] == 0) continue;  // masked (exp(−∞)) or underflowed: adds nothing
        const float *vr = c->V + s * W + off, w = sc[s] * inv;
        const __m256 wv = _mm256_set1_ps(w);
        int d = 0;
        for (; d < D8; d += 8) _mm256_storeu_ps(o + d, _mm256_fmadd_ps(wv, _mm256_loadu_ps(vr + d), _mm256_loadu_ps(o + d)));
        for (; d < D; d++) o[d] += w * vr[d];
    }
}
#endif

static void head_scalar(const qk_attend_ctx *c, int h) {
    const int W = c->G * c->D, D = c->D;
    const float *qh = c->q + (int64_t)h * D;
    const int64_t off = (int64_t)(h / (c->H / c->G)) * D;
    float *sc = c->scores + (int64_t)h * c->P, mx = -INFINITY;
    for (int64_t s = 0; s < c->P; s++) {
        if (c->mask && c->mask[s] == 0) { sc[s] = -INFINITY; continue; }
        const float *kr = c->K + s * W + off;
        float dot = 0;
        for (int d = 0; d < D; d++) dot += qh[d] * kr[d];
        sc[s] = dot * c->scale;
        if (sc[s] > mx) mx = sc[s];
    }
    float *o = c->out + (int64_t)h * D;
    for (int d = 0; d < D; d++) o[d] = 0;
    if (mx == -INFINITY) return;  // every position masked: attends to nothing
    const float inv = exp_scores(sc, c->P, mx);
    for (int64_t s = 0; s < c->P; s++) {
        if (sc[s] == 0) continue;  // masked (exp(−∞)) or underflowed: adds nothing
        const float *vr = c->V + s * W + off, w = sc[s] * inv;
        for (int d = 0; d < D; d++) o[d] += w * vr[d];
    }
}

static void head_task(void *p, int64_t h) {
    const qk_attend_ctx *c = p;
#if defined(__x86_64__) || defined(__i386__)
    if (c->avx2) { head_avx2(c, (int)h); return; }
#endif
    head_scalar(c, (int)h);
}

void qk_attend(int nthreads, float *out, const float *q, const float *K, const float *V, float *scores, int64_t P,
               int H, int G, int D, float scale) {
    qk_attend_ctx c = {out, scores, q, K, V, P, H, G, D, scale, qk_auto_isa() == QK_ISA_AVX2, NULL};
    qk_parallel_for(qk_attend_threads(nthreads, P, H, D), H, head_task, &c);
}

void qk_attend_masked(int nthreads, float *out, const float *q, const float *K, const float *V, float *scores,
                      int64_t P, int H, int G, int D, float scale, const float *mask) {
    qk_attend_ctx c = {out, scores, q, K, V, P, H, G, D, scale, qk_auto_isa() == QK_ISA_AVX2, mask};
    qk_parallel_for(qk_attend_threads(nthreads, P, H, D), H, head_task, &c);
}
