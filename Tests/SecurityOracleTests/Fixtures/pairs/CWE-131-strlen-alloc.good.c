#include <stdlib.h>
#include <string.h>

/* Fixed: strlen + 1. */
char *dup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d == NULL) return NULL;
    memcpy(d, s, n);
    return d;
}
