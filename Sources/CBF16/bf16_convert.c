// bf16 ⇄ Float32 conversions: AVX512-BF16's vcvtneps2bf16 when the CPU has it, else the same rounding
// in portable C (round to nearest even on the upper 16 bits; NaN kept quiet).
#include "CBF16.h"

#include <string.h>

static inline uint16_t bf16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);  // quiet NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static void bf16_from_f32_scalar(const float *src, uint16_t *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = bf16_round(src[i]);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx512bf16,avx512vl")))
static void bf16_from_f32_avx512(const float *src, uint16_t *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256bh v = _mm512_cvtneps_pbh(_mm512_loadu_ps(src + i));
        _mm256_storeu_si256((__m256i *)(dst + i), (__m256i)v);
    }
    bf16_from_f32_scalar(src + i, dst + i, n - i);
}

static int bf16_cpu_native(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
}
#else
static int bf16_cpu_native(void) { return 0; }
#endif

int bf16_cpu_has_native(void) {
    static int cached = -1;  // a benign race writes the same value
    if (cached < 0) cached = bf16_cpu_native();
    return cached;
}

void bf16_from_f32(const float *src, uint16_t *dst, int64_t n) {
#if defined(__x86_64__)
    if (bf16_cpu_has_native()) { bf16_from_f32_avx512(src, dst, n); return; }
#endif
    bf16_from_f32_scalar(src, dst, n);
}

void bf16_to_f32(const uint16_t *src, float *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)src[i] << 16;
        memcpy(dst + i, &u, 4);
    }
}
