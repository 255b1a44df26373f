#include <stdlib.h>

/* Fixed: realloc into a temporary, keep the old block on failure. */
int grow(int **items, size_t *cap) {
    *cap *= 2;
    int *p = *items;
    int *tmp = reallocarray(p, *cap, sizeof(int));
    if (tmp == NULL) return -1;
    *items = tmp;
    return 0;
}
