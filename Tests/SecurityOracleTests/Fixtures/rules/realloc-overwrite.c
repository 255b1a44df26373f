#include <stdlib.h>

struct vec { int *data; size_t len, cap; };

int vec_push(struct vec *v, int x) {
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        // ruleid: realloc-overwrite
        v->data = realloc(v->data, v->cap * sizeof(int));
        if (!v->data) return -1;
    }
    v->data[v->len++] = x;
    return 0;
}

int grow(char **buf, size_t n) {
    // ok: realloc-overwrite
    char *tmp = realloc(*buf, n);
    if (tmp == NULL) return -1;
    *buf = tmp;
    return 0;
}
