#include <stdlib.h>
#include <string.h>

/* Fixed: the heap buffer is sized from the source. */
char *save_name(const char *name) {
    char *copy = malloc(strlen(name) + 1);
    if (copy == NULL) return NULL;
    strcpy(copy, name);
    return copy;
}
