// Quantized-weight × Q8-activation dot kernels (ggml block formats), with a run-time ISA choice.
//
// Why C: Swift cannot compile one function for AVX2 and another for baseline x86-64 in the same
// module (no per-function target attribute), and the project may not build with -march. Clang's
// __attribute__((target("avx2,fma,f16c"))) can, so the AVX2 kernels live here next to portable
// scalar ones and the choice is made once at run time from CPUID (as OpenBLAS picks its kernels).
//
// Flow (the llama.cpp scheme): each activation row x (k floats) is quantized once per matmul to
// 8-bit blocks matching the weight type (qk_quantize_row), then every weight row is dotted with
// those blocks in integer arithmetic, scaled per block.
#ifndef CQUANTKERNELS_H
#define CQUANTKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kernel sets: automatic (best the CPU supports), portable scalar, AVX2+FMA+F16C.
enum { QK_ISA_AUTO = 0, QK_ISA_SCALAR = 1, QK_ISA_AVX2 = 2 };

/// 1 when ggml type `type` (GGUF type id) has a kernel here (Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q4_K Q5_K Q6_K).
int qk_supports(int type);

/// The ISA that QK_ISA_AUTO resolves to on this machine (QK_ISA_SCALAR or QK_ISA_AVX2). The
/// environment variable SRCODE_QUANT_SCALAR=1 forces the scalar kernels.
int qk_auto_isa(void);

/// 1 when `isa` can run here (QK_ISA_AVX2 needs AVX2, FMA and F16C).
int qk_isa_available(int isa);

/// Bytes of one quantized activation row of `k` values for weights of `type` (k a multiple of the
/// type's block size).
size_t qk_activation_row_bytes(int type, int64_t k);

/// Quantizes x (k floats) into `out` (qk_activation_row_bytes bytes) for weights of `type`:
/// Q8_0/Q8_1-style 32-blocks for the 32-value types, Q8_K (256 values + 16 partial sums) for K-quants.
void qk_quantize_row(int type, const float *x, int64_t k, void *out);

/// x (k floats) as the kernels see it: quantized for weights of `type` (qk_quantize_row), then
/// expanded back to floats d·q. A Float32 GEMM over these values computes what the kernels compute.
void qk_round_activations(int type, const float *x, int64_t k, float *out);

/// y[b * y_stride + r] = W[r] · X[b] for rows r in [r0, r1) and b in [0, batch).
/// w: the weight rows (row_bytes each, ggml blocks of `type`); xq: `batch` quantized activation rows,
/// xq_stride bytes apart. Each weight row is applied to all `batch` activations while it is in cache.
/// prompt ≠ 0: the `batch` rows are one prompt batch, rounded as llama.cpp rounds one (its Q4_K
/// 4-row gemm and Q6_K tiled matmul differ from its single-row kernels in float order). 0: every
/// row is rounded as a single row, so results do not depend on the batch.
void qk_matmul_rows(int isa, int type, const void *w, size_t row_bytes, int64_t k, int64_t r0, int64_t r1,
                    const void *xq, size_t xq_stride, int batch, float *y, int64_t y_stride, int prompt);

/// qk_matmul_rows over all `rows`, split into `nthreads` contiguous row ranges run by a persistent
/// worker pool (the caller runs the first range). Results do not depend on nthreads.
void qk_matmul_parallel(int nthreads, int isa, int type, const void *w, size_t row_bytes, int64_t k, int64_t rows,
                        const void *xq, size_t xq_stride, int batch, float *y, int64_t y_stride, int prompt);

/// A task of a parallel-for: runs chunk `c` with the caller's context.
typedef void (*qk_task_fn)(void *ctx, int64_t c);

/// fn(ctx, c) for c in [0, nchunks) on the caller and up to nthreads − 1 pool workers (chunks are
/// claimed one at a time). Returns when all are done. Runs everything on the caller when the pool
/// is busy with another caller's job.
void qk_parallel_for(int nthreads, int64_t nchunks, qk_task_fn fn, void *ctx);

/// Single-query attention for one decode row: out (H, D) = softmax(q·Kᵀ·scale over P positions) · V,
/// K and V being P cache rows of G·D floats; query head h reads KV head h / (H/G). `scores` is
/// scratch of ≥ H·P floats. Heads are split over `nthreads` (the pool) when P·H·D is large enough;
/// AVX2+FMA when qk_auto_isa() says so, scalar otherwise.
void qk_attend(int nthreads, float *out, const float *q, const float *K, const float *V, float *scores, int64_t P,
               int H, int G, int D, float scale);

/// qk_attend over the positions whose `mask` flag (P floats) is nonzero: the training model's batched
/// cache, where padding positions are flagged 0. A row that may attend to nothing gets zeros.
void qk_attend_masked(int nthreads, float *out, const float *q, const float *K, const float *V, float *scores,
                      int64_t P, int H, int G, int D, float scale, const float *mask);

/// llama.cpp's attention for one query row, bit for bit (qk_ggml.c): Q and the softmax weights
/// rounded to f16, 16-lane fused multiply-add sums reduced as AVX-512 does, ggml's expf, the softmax
/// sum in double. Same arguments as qk_attend; K and V should hold f16-rounded values, as llama.cpp's
/// cache does. Returns 0 (computing nothing) when D > 256 or the head counts do not divide.
int qk_attend_ggml(int nthreads, float *out, const float *q, const float *K, const float *V, float *scores, int64_t P,
                   int H, int G, int D, float scale);

/// g ← silu(g)·u over `rows` rows of n values, with ggml's expf (ggml_vec_swiglu_f32, bit for bit).
void qk_swiglu(int64_t rows, int64_t n, float *g, const float *u);

#ifdef __cplusplus
}
#endif
#endif
