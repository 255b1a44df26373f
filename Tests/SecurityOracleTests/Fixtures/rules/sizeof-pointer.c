#include <string.h>
#include <stdlib.h>

void copy_key(char *dst, const char *key) {
    // ruleid: sizeof-pointer
    memcpy(dst, key, sizeof(key));
}

char *clone_buffer(const char *src, size_t len) {
    // ruleid: sizeof-pointer
    char *out = malloc(sizeof(src));
    if (!out) return NULL;
    // ok: sizeof-pointer
    memcpy(out, src, len);
    return out;
}

void zero(int *values, size_t n) {
    // ok: sizeof-pointer
    memset(values, 0, n * sizeof(*values));
}
