// CBF16: bf16 GEMMs with Float32 accumulation for frozen weights, through oneDNN loaded at run time.
//
// Why a run-time load: the engine must build and run on machines without oneDNN or without BF16
// instructions (then every GEMM stays on OpenBLAS's sgemm, the reference path). oneDNN's matmul picks
// its own kernel for the CPU it finds (AVX512-BF16, AMX); we only ask whether the CPU has native BF16,
// because on older AVX-512 parts oneDNN emulates it and loses to sgemm.
#ifndef CBF16_H
#define CBF16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU has native bf16 dot products (AVX512-BF16) and oneDNN 2.x was found; else 0.
/// The first call loads the library; the answer never changes afterwards.
int bf16_gemm_available(void);

/// Why bf16_gemm_available() is 0 (a static string), or NULL when it is 1.
const char *bf16_unavailable_reason(void);

/// dst[i] = bf16(src[i]), round to nearest even (NaN stays NaN).
void bf16_from_f32(const float *src, uint16_t *dst, int64_t n);

/// dst[i] = float(src[i]) (exact).
void bf16_to_f32(const uint16_t *src, float *dst, int64_t n);

/// C (M, N) = [C +] bf16(A) (M, K) · op(B), row-major, B in bf16, A and C in Float32 (leading dimension N).
/// transB = 1: B is (N, K) row-major (an nn.Linear weight, y = x·Wᵀ); transB = 0: B is (K, N).
/// A is rounded to bf16 inside, into a buffer kept between calls, so a training step's hundreds of GEMMs
/// do not map and fault fresh pages each time.
/// Returns 0 on success; nonzero (nothing written) when oneDNN refused, so callers fall back to sgemm.
int bf16_gemm_f32a(int transB, int64_t M, int64_t N, int64_t K, const float *A, const uint16_t *B,
                   float *C, int accumulate);

#ifdef __cplusplus
}
#endif
#endif
