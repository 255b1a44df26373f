#include <stdlib.h>

/* Memory leak on failure: realloc's NULL overwrites the only pointer to the block. */
int grow(int **items, size_t *cap) {
    *cap *= 2;
    int *p = *items;
    p = realloc(p, *cap * sizeof(int));
    if (p == NULL) return -1;
    *items = p;
    return 0;
}
