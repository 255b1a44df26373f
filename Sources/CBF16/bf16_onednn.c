// bf16 GEMMs through oneDNN 2.x's matmul primitive, with the library loaded by dlopen at first use.
//
// Only the header is needed at build time, and only for its types; without it (or without the
// library at run time) every entry point reports "unavailable" and the engine keeps Float32.
// Primitives are cached by shape: the trainer's shapes repeat every step (the rows of a batch,
// the weights' dims), and creating a primitive costs far more than running a small one.
#include "CBF16.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

int bf16_cpu_has_native(void);

#if __has_include(<oneapi/dnnl/dnnl.h>)
#include <oneapi/dnnl/dnnl.h>
#define BF16_HAVE_HEADER 1
#else
#define BF16_HAVE_HEADER 0
#endif

static const char *unavailable = "not checked yet";

#if BF16_HAVE_HEADER

// The oneDNN entry points used here, resolved once.
static struct {
    dnnl_status_t (*engine_create)(dnnl_engine_t *, dnnl_engine_kind_t, size_t);
    dnnl_status_t (*stream_create)(dnnl_stream_t *, dnnl_engine_t, unsigned);
    dnnl_status_t (*stream_wait)(dnnl_stream_t);
    dnnl_status_t (*md_init_by_strides)(dnnl_memory_desc_t *, int, const dnnl_dims_t, dnnl_data_type_t, const dnnl_dims_t);
    dnnl_status_t (*matmul_desc_init)(dnnl_matmul_desc_t *, const dnnl_memory_desc_t *, const dnnl_memory_desc_t *,
                                      const dnnl_memory_desc_t *, const dnnl_memory_desc_t *);
    dnnl_status_t (*attr_create)(dnnl_primitive_attr_t *);
    dnnl_status_t (*attr_destroy)(dnnl_primitive_attr_t);
    dnnl_status_t (*attr_set_post_ops)(dnnl_primitive_attr_t, const_dnnl_post_ops_t);
    dnnl_status_t (*post_ops_create)(dnnl_post_ops_t *);
    dnnl_status_t (*post_ops_destroy)(dnnl_post_ops_t);
    dnnl_status_t (*post_ops_append_sum)(dnnl_post_ops_t, float);
    dnnl_status_t (*pd_create)(dnnl_primitive_desc_t *, const_dnnl_op_desc_t, const_dnnl_primitive_attr_t,
                               dnnl_engine_t, const_dnnl_primitive_desc_t);
    dnnl_status_t (*pd_destroy)(dnnl_primitive_desc_t);
    dnnl_status_t (*primitive_create)(dnnl_primitive_t *, const_dnnl_primitive_desc_t);
    dnnl_status_t (*primitive_destroy)(dnnl_primitive_t);
    dnnl_status_t (*primitive_execute)(const_dnnl_primitive_t, dnnl_stream_t, int, const dnnl_exec_arg_t *);
    dnnl_status_t (*memory_create)(dnnl_memory_t *, const dnnl_memory_desc_t *, dnnl_engine_t, void *);
    dnnl_status_t (*memory_destroy)(dnnl_memory_t);
} api;

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready = 0;
// One GEMM at a time: the stream, the cache and the rounding buffer are shared (oneDNN threads the GEMM itself).
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

#define RESOLVE(field, name) \
    if (!(*(void **)&api.field = dlsym(lib, name))) { unavailable = "oneDNN lacks " name; return; }

static void load(void) {
    const char *off = getenv("SRCODE_BF16");
    if (off && strcmp(off, "0") == 0) { unavailable = "SRCODE_BF16=0"; return; }
    if (!bf16_cpu_has_native()) { unavailable = "the CPU has no AVX512-BF16"; return; }
    // oneDNN runs on OpenMP; idle OpenMP threads spin by default, and between two GEMMs the engine's own
    // threads (OpenBLAS, row kernels) need those cores: spinning workers halve them. Passive waiting
    // unless the user chose otherwise (read when libgomp initializes, i.e. at this dlopen).
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    void *lib = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib) { unavailable = "oneDNN 2.x (libdnnl.so.2) not found; apt install libdnnl-dev"; return; }
    RESOLVE(engine_create, "dnnl_engine_create")
    RESOLVE(stream_create, "dnnl_stream_create")
    RESOLVE(stream_wait, "dnnl_stream_wait")
    RESOLVE(md_init_by_strides, "dnnl_memory_desc_init_by_strides")
    RESOLVE(matmul_desc_init, "dnnl_matmul_desc_init")
    RESOLVE(attr_create, "dnnl_primitive_attr_create")
    RESOLVE(attr_destroy, "dnnl_primitive_attr_destroy")
    RESOLVE(attr_set_post_ops, "dnnl_primitive_attr_set_post_ops")
    RESOLVE(post_ops_create, "dnnl_post_ops_create")
    RESOLVE(post_ops_destroy, "dnnl_post_ops_destroy")
    RESOLVE(post_ops_append_sum, "dnnl_post_ops_append_sum")
    RESOLVE(pd_create, "dnnl_primitive_desc_create")
    RESOLVE(pd_destroy, "dnnl_primitive_desc_destroy")
    RESOLVE(primitive_create, "dnnl_primitive_create")
    RESOLVE(primitive_destroy, "dnnl_primitive_destroy")
    RESOLVE(primitive_execute, "dnnl_primitive_execute")
    RESOLVE(memory_create, "dnnl_memory_create")
    RESOLVE(memory_destroy, "dnnl_memory_destroy")
    if (api.engine_create(&engine, dnnl_cpu, 0) != dnnl_success) { unavailable = "oneDNN: no CPU engine"; return; }
    if (api.stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) {
        unavailable = "oneDNN: no stream"; return;
    }
    unavailable = NULL;
    ready = 1;
}

// MARK: - Primitive cache

typedef struct {
    int64_t M, N, K;
    int transB, accumulate;
    dnnl_primitive_t primitive;
    dnnl_memory_desc_t a, b, c;
} entry;

enum { CACHE_SIZE = 96 };
static entry cache[CACHE_SIZE];
static int cached = 0;

static entry *lookup(int transB, int64_t M, int64_t N, int64_t K, int accumulate) {
    for (int i = 0; i < cached; i++) {
        entry *e = &cache[i];
        if (e->M == M && e->N == N && e->K == K && e->transB == transB && e->accumulate == accumulate) return e;
    }
    if (cached == CACHE_SIZE) {  // shapes beyond the working set: start over rather than track ages
        for (int i = 0; i < cached; i++) api.primitive_destroy(cache[i].primitive);
        cached = 0;
    }
    entry e = {M, N, K, transB, accumulate, NULL, {0}, {0}, {0}};
    dnnl_dims_t ad = {M, K}, as = {K, 1};
    dnnl_dims_t bd = {K, N}, bs = {transB ? 1 : N, transB ? K : 1};  // (K, N) view of an (N, K) weight: strides swap
    dnnl_dims_t cd = {M, N}, cs = {N, 1};
    if (api.md_init_by_strides(&e.a, 2, ad, dnnl_bf16, as) != dnnl_success) return NULL;
    if (api.md_init_by_strides(&e.b, 2, bd, dnnl_bf16, bs) != dnnl_success) return NULL;
    if (api.md_init_by_strides(&e.c, 2, cd, dnnl_f32, cs) != dnnl_success) return NULL;
    dnnl_matmul_desc_t md;
    if (api.matmul_desc_init(&md, &e.a, &e.b, NULL, &e.c) != dnnl_success) return NULL;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t ops = NULL;
    if (accumulate) {
        if (api.attr_create(&attr) != dnnl_success) return NULL;
        if (api.post_ops_create(&ops) != dnnl_success || api.post_ops_append_sum(ops, 1.0f) != dnnl_success
            || api.attr_set_post_ops(attr, ops) != dnnl_success) {
            if (ops) api.post_ops_destroy(ops);
            api.attr_destroy(attr);
            return NULL;
        }
    }
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t s = api.pd_create(&pd, &md, attr, engine, NULL);
    if (ops) api.post_ops_destroy(ops);
    if (attr) api.attr_destroy(attr);
    if (s != dnnl_success) return NULL;
    s = api.primitive_create(&e.primitive, pd);
    api.pd_destroy(pd);  // the primitive keeps what it needs
    if (s != dnnl_success) return NULL;
    cache[cached] = e;
    return &cache[cached++];
}

static int gemm_locked(int transB, int64_t M, int64_t N, int64_t K, const uint16_t *A, const uint16_t *B,
                       float *C, int accumulate);

static uint16_t *scratch = NULL;
static int64_t scratch_count = 0;

int bf16_gemm_f32a(int transB, int64_t M, int64_t N, int64_t K, const float *A, const uint16_t *B,
                   float *C, int accumulate) {
    if (!bf16_gemm_available() || M <= 0 || N <= 0 || K <= 0) return -1;
    pthread_mutex_lock(&lock);
    int rc = -1;
    if (M * K > scratch_count) {
        uint16_t *grown = realloc(scratch, (size_t)(M * K) * sizeof(uint16_t));
        if (grown) { scratch = grown; scratch_count = M * K; }
    }
    if (M * K <= scratch_count) {
        bf16_from_f32(A, scratch, M * K);
        rc = gemm_locked(transB, M, N, K, scratch, B, C, accumulate);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int gemm_locked(int transB, int64_t M, int64_t N, int64_t K, const uint16_t *A, const uint16_t *B,
                       float *C, int accumulate) {
    int rc = -1;
    entry *e = lookup(transB ? 1 : 0, M, N, K, accumulate ? 1 : 0);
    dnnl_memory_t am = NULL, bm = NULL, cm = NULL;
    if (e && api.memory_create(&am, &e->a, engine, (void *)A) == dnnl_success
        && api.memory_create(&bm, &e->b, engine, (void *)B) == dnnl_success
        && api.memory_create(&cm, &e->c, engine, C) == dnnl_success) {
        dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
        if (api.primitive_execute(e->primitive, stream, 3, args) == dnnl_success && api.stream_wait(stream) == dnnl_success) {
            rc = 0;
        }
    }
    if (am) api.memory_destroy(am);
    if (bm) api.memory_destroy(bm);
    if (cm) api.memory_destroy(cm);
    return rc;
}

int bf16_gemm_available(void) {
    pthread_once(&once, load);
    return ready;
}

#else  // no oneDNN header at build time

int bf16_gemm_f32a(int transB, int64_t M, int64_t N, int64_t K, const float *A, const uint16_t *B,
                   float *C, int accumulate) {
    (void)transB; (void)M; (void)N; (void)K; (void)A; (void)B; (void)C; (void)accumulate;
    return -1;
}

int bf16_gemm_available(void) {
    unavailable = "built without oneDNN's header (apt install libdnnl-dev, then rebuild)";
    return 0;
}

#endif

const char *bf16_unavailable_reason(void) {
    bf16_gemm_available();
    return unavailable;
}
