// Fresh-buffer fill rate: the allocation pattern of an RL update (sets of large activation buffers of changing
// sizes, written once, all freed, again) through glibc's malloc. Run by benchmarks/fresh_buffers.sh under
// different GLIBC_TUNABLES; it prints GB/s. Why it matters: docs/ENGINE.md "Memory plan" and
// docs/BENCHMARKS.md "Fresh buffers in huge pages".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    // Sizes of a Qwen2.5-0.5B mini-batch's buffers at a few hundred tokens (MLP rows, attention probabilities).
    const size_t sizes[] = {(size_t)48 << 20, (size_t)80 << 20, (size_t)12 << 20, (size_t)24 << 20};
    enum { buffers = 64, rounds = 8 };
    double t = now();
    size_t bytes = 0;
    for (int r = 0; r < rounds; r++) {
        char *p[buffers];
        for (int i = 0; i < buffers; i++) {
            size_t n = sizes[i % 4] + (size_t)r * 7 * 4096;  // lengths change from one mini-batch to the next
            p[i] = malloc(n);
            if (!p[i]) { fprintf(stderr, "fresh_buffers: out of memory\n"); return 1; }
            memset(p[i], 1, n);
            bytes += n;
        }
        for (int i = 0; i < buffers; i++) free(p[i]);
    }
    double s = now() - t;
    printf("RESULT bytes_gb=%.1f seconds=%.2f gb_per_s=%.2f\n", bytes / 1e9, s, bytes / 1e9 / s);
    return 0;
}
