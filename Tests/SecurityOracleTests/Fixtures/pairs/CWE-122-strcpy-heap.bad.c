#include <stdlib.h>
#include <string.h>

/* Heap-based buffer overflow: the heap buffer has a fixed size unrelated to the source. */
char *save_name(const char *name) {
    char *copy = malloc(16);
    if (copy == NULL) return NULL;
    strcpy(copy, name);
    return copy;
}
