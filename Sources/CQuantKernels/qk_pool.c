// A tiny persistent worker pool (parallel-for over chunks claimed by all; spin briefly, then sleep) for matmul rows and attention heads.
//
// Why not GCD: a decode step runs ~200 matmuls of 20-100 µs each; waking a GCD worker per matmul
// costs tens of µs, which made 2 threads slower than 1 on SmolLM2. Here workers spin on a job
// counter for ~0.1 ms after each job (the gap between two matmuls of a step is far shorter) and
// only then block on a condition variable, so an idle or loaded machine is not burned by spinning
// (llama.cpp spins without bound and collapses under load). One job runs at a time; a caller that
// finds the pool busy (another thread mid-matmul) runs all rows itself: how rows are split never
// changes a result.
#include "CQuantKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QK_RELAX() _mm_pause()
#else
#define QK_RELAX() ((void)0)
#endif

enum { QK_MAX_WORKERS = 63, QK_SPINS = 5000 };

/// One parallel-for: fn(ctx, c) for every chunk c < nchunks.
typedef struct {
    qk_task_fn fn;
    void *ctx;
    int64_t nchunks;
} qk_job;

// The rows are cut into small chunks that the caller and the workers claim one at a time, so the
// caller never waits for a worker that has not started (descheduled on a loaded machine): it just
// claims the remaining chunks itself. `state` = generation << 32 | next chunk; a claim is a CAS on
// it, so it can only succeed for the live job. `active` counts workers that may read `current`:
// the caller rewrites `current` only when all chunks are done and no worker is active.
static pthread_mutex_t run_mu = PTHREAD_MUTEX_INITIALIZER;  // one job at a time
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;      // guards sleeping workers
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static _Atomic uint64_t state;
static _Atomic int active, done;
static int nworkers;
static qk_job current;

/// Claims and runs chunks of generation `gen` until none is left.
static void drain(const qk_job *j, uint32_t gen) {
    uint64_t v = atomic_load_explicit(&state, memory_order_acquire);
    for (;;) {
        if ((uint32_t)(v >> 32) != gen || (int64_t)(uint32_t)v >= j->nchunks) return;
        if (!atomic_compare_exchange_weak_explicit(&state, &v, v + 1, memory_order_acq_rel, memory_order_acquire)) continue;
        j->fn(j->ctx, (int64_t)(uint32_t)v);
        atomic_fetch_add_explicit(&done, 1, memory_order_release);
        v = atomic_load_explicit(&state, memory_order_acquire);
    }
}

static void *worker(void *arg) {
    (void)arg;
    uint32_t seen = 0;
    for (;;) {
        int spins = 0;
        while ((uint32_t)(atomic_load_explicit(&state, memory_order_acquire) >> 32) == seen) {
            if (++spins < QK_SPINS) { QK_RELAX(); continue; }
            pthread_mutex_lock(&mu);
            while ((uint32_t)(atomic_load_explicit(&state, memory_order_acquire) >> 32) == seen) pthread_cond_wait(&cv, &mu);
            pthread_mutex_unlock(&mu);
            break;
        }
        atomic_fetch_add_explicit(&active, 1, memory_order_seq_cst);
        uint32_t gen = (uint32_t)(atomic_load_explicit(&state, memory_order_seq_cst) >> 32);
        if (gen != seen) {
            seen = gen;
            qk_job j = current;  // stable while we are active
            drain(&j, gen);
        }
        atomic_fetch_sub_explicit(&active, 1, memory_order_release);
    }
    return NULL;
}

void qk_parallel_for(int nthreads, int64_t nchunks, qk_task_fn fn, void *ctx) {
    if (nthreads > QK_MAX_WORKERS + 1) nthreads = QK_MAX_WORKERS + 1;
    if (nthreads <= 1 || nchunks <= 1 || pthread_mutex_trylock(&run_mu) != 0) {
        for (int64_t c = 0; c < nchunks; c++) fn(ctx, c);
        return;
    }
    while (nworkers < nthreads - 1) {  // started on first use, kept for the process's life
        pthread_t th;
        if (pthread_create(&th, NULL, worker, NULL) != 0) break;
        pthread_detach(th);
        nworkers++;
    }
    qk_job job = {fn, ctx, nchunks};
    current = job;
    atomic_store_explicit(&done, 0, memory_order_relaxed);
    uint32_t gen = (uint32_t)(atomic_load_explicit(&state, memory_order_relaxed) >> 32) + 1;
    pthread_mutex_lock(&mu);
    atomic_store_explicit(&state, (uint64_t)gen << 32, memory_order_seq_cst);
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    drain(&job, gen);
    for (int spins = 0; atomic_load_explicit(&done, memory_order_acquire) < nchunks ||
                        atomic_load_explicit(&active, memory_order_seq_cst) > 0; spins++) {
        if (spins < QK_SPINS) QK_RELAX();
        else sched_yield();  // a worker holding a chunk was descheduled: let it finish
    }
    pthread_mutex_unlock(&run_mu);
}

// MARK: - Matmul over the pool

typedef struct {
    int isa, type, batch;
    const void *w, *xq;
    size_t row_bytes, xq_stride;
    int64_t k, rows, chunk, y_stride;
    float *y;
    int prompt;
} qk_matmul_ctx;

static void matmul_chunk(void *p, int64_t c) {
    const qk_matmul_ctx *j = p;
    int64_t r0 = c * j->chunk, r1 = r0 + j->chunk < j->rows ? r0 + j->chunk : j->rows;
    if (r0 < r1) qk_matmul_rows(j->isa, j->type, j->w, j->row_bytes, j->k, r0, r1, j->xq, j->xq_stride, j->batch, j->y, j->y_stride, j->prompt);
}

void qk_matmul_parallel(int nthreads, int isa, int type, const void *w, size_t row_bytes, int64_t k, int64_t rows,
                        const void *xq, size_t xq_stride, int batch, float *y, int64_t y_stride, int prompt) {
    int64_t nchunks = rows / 16 < (int64_t)nthreads * 8 ? rows / 16 : (int64_t)nthreads * 8;
    if (nchunks < 1) nchunks = 1;
    qk_matmul_ctx ctx = {isa, type, batch, w, xq, row_bytes, xq_stride, k, rows, (rows + nchunks - 1) / nchunks, y_stride, y, prompt};
    qk_parallel_for(nthreads, nchunks, matmul_chunk, &ctx);
}
