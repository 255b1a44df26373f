// Activation quantization (shared by both ISAs, so they see identical inputs) and the run-time kernel choice.
#include "CQuantKernels.h"
#include "qk_internal.h"

#include <stdlib.h>

// MARK: - ISA choice

static int qk_cpu_has_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return 0;
#endif
}

int qk_isa_available(int isa) {
    static int avx2 = -1;  // computed once; a benign race writes the same value
    if (avx2 < 0) avx2 = qk_cpu_has_avx2();
    return isa == QK_ISA_SCALAR || (isa == QK_ISA_AVX2 && avx2);
}

int qk_auto_isa(void) {
    static int chosen = 0;
    if (chosen == 0) {
        const char *env = getenv("SRCODE_QUANT_SCALAR");
        int forceScalar = env && env[0] && env[0] != '0';
        chosen = (!forceScalar && qk_isa_available(QK_ISA_AVX2)) ? QK_ISA_AVX2 : QK_ISA_SCALAR;
    }
    return chosen;
}

int qk_supports(int type) {
    return type >= 0 && type < 15 && qk_scalar_kernels[type] != NULL;
}

static int qk_is_k(int type) { return type == QK_Q4_K || type == QK_Q5_K || type == QK_Q6_K; }

size_t qk_activation_row_bytes(int type, int64_t k) {
    return qk_is_k(type) ? (size_t)(k / 256) * sizeof(qk_a256) : (size_t)(k / 32) * sizeof(qk_a32);
}

// MARK: - Activation quantization

/// Round to nearest, ties to even, for |x| < 2^22: adding 1.5·2^23 pushes the fraction out of the
/// mantissa. Same result as nearbyintf in the default rounding mode, but inlined and vectorizable
/// (baseline x86-64 has no roundss, so nearbyintf is a library call per value).
static inline int qk_round(float x) {
    const float big = 12582912.0f;  // IEEE arithmetic (no fast-math) keeps (x + big) − big exact
    return (int)((x + big) - big);
}

/// Q8_0 / Q8_1 (ggml quantize_row_q8_1): d = amax/127, q = round(x·127/amax); d and s = d·Σq kept at FP16 precision.
static void qk_quantize_a32(const float *x, int64_t k, qk_a32 *out) {
    for (int64_t i = 0; i < k / 32; i++) {
        const float *xb = x + 32 * i;
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(xb[j]));
        float d = amax / 127.0f, id = amax != 0 ? 127.0f / amax : 0.0f;  // 127/amax, not 1/d, as ggml
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            int q = qk_round(xb[j] * id);
            out[i].qs[j] = (int8_t)q;
            sum += q;
        }
        out[i].d = qk_round_half(d);
        out[i].s = qk_round_half((float)sum * d);
    }
}

/// Q8_K (ggml quantize_row_q8_K): scale from the signed extreme so it maps to −127 exactly.
static void qk_quantize_a256(const float *x, int64_t k, qk_a256 *out) {
    for (int64_t i = 0; i < k / 256; i++) {
        const float *xb = x + 256 * i;
        float amax = 0, mx = 0;
        for (int j = 0; j < 256; j++) {
            float ax = fabsf(xb[j]);
            if (ax > amax) { amax = ax; mx = xb[j]; }
        }
        if (amax == 0) {
            memset(&out[i], 0, sizeof(qk_a256));
            continue;
        }
        float iscale = -127.0f / mx;
        for (int j = 0; j < 256; j++) {
            int q = qk_round(iscale * xb[j]);
            out[i].qs[j] = (int8_t)(q > 127 ? 127 : q);
        }
        for (int g = 0; g < 16; g++) {
            int s = 0;
            for (int j = 0; j < 16; j++) s += out[i].qs[16 * g + j];
            out[i].bsums[g] = (int16_t)s;
        }
        out[i].d = 1.0f / iscale;
    }
}

void qk_quantize_row(int type, const float *x, int64_t k, void *out) {
    if (qk_is_k(type)) qk_quantize_a256(x, k, (qk_a256 *)out);
    else qk_quantize_a32(x, k, (qk_a32 *)out);
}

void qk_round_activations(int type, const float *x, int64_t k, float *out) {
    if (qk_is_k(type)) {
        for (int64_t i = 0; i < k / 256; i++) {
            qk_a256 a;
            qk_quantize_a256(x + 256 * i, 256, &a);
            for (int j = 0; j < 256; j++) out[256 * i + j] = a.d * (float)a.qs[j];
        }
    } else {
        for (int64_t i = 0; i < k / 32; i++) {
            qk_a32 a;
            qk_quantize_a32(x + 32 * i, 32, &a);
            for (int j = 0; j < 32; j++) out[32 * i + j] = a.d * (float)a.qs[j];
        }
    }
}

// MARK: - Matmul over a row range

void qk_matmul_rows(int isa, int type, const void *w, size_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                    const void *xq, size_t xq_stride, int batch, float *y, int64_t y_stride, int prompt) {
    if (isa == QK_ISA_AUTO) isa = qk_auto_isa();
    if (isa == QK_ISA_AVX2 && !qk_isa_available(QK_ISA_AVX2)) isa = QK_ISA_SCALAR;
    qk_dotn_fn dot = (isa == QK_ISA_AVX2 ? qk_avx2_kernels : qk_scalar_kernels)[type];
    // A prompt batch, computed the way llama.cpp computes one: Q4_K (repacked there) takes its 4-row
    // gemm for the first batch − batch % 4 rows; Q6_K takes the tiled matmul from 8 rows on.
    qk_dotn_fn gemm = NULL;
    int gemm_rows = 0;
    if (prompt && type == QK_Q4_K && batch > 3) {
        gemm = isa == QK_ISA_AVX2 ? qk_avx2_q4_K_gemm : qk_scalar_q4_K_gemm;
        gemm_rows = batch - batch % 4;
    } else if (prompt && type == QK_Q6_K && batch >= 8) {
        gemm = isa == QK_ISA_AVX2 ? qk_avx2_q6_K_tiled : qk_scalar_q6_K_tiled;
        gemm_rows = batch;
    }
    int nb = (int)(qk_is_k(type) ? k / 256 : k / 32);
    const uint8_t *wb = (const uint8_t *)w, *xb = (const uint8_t *)xq;
    float out[QK_NMAX];
    for (int64_t r = r0; r < r1; r++) {
        const void *row = wb + (size_t)r * row_bytes;
        for (int b0 = 0; b0 < batch;) {
            const int end = b0 < gemm_rows ? gemm_rows : batch;
            int n = end - b0 < QK_NMAX ? end - b0 : QK_NMAX;
            (b0 < gemm_rows ? gemm : dot)(nb, row, xb + (size_t)b0 * xq_stride, xq_stride, n, out);
            for (int b = 0; b < n; b++) y[(b0 + b) * y_stride + r] = out[b];
            b0 += n;
        }
    }
}
