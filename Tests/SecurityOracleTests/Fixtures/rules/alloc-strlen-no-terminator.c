#include <stdlib.h>
#include <string.h>

char *copy_string(const char *s) {
    // ruleid: alloc-strlen-no-terminator
    char *copy = malloc(strlen(s));
    if (copy == NULL) return NULL;
    strcpy(copy, s);
    return copy;
}

char *copy_string_ok(const char *s) {
    // ok: alloc-strlen-no-terminator
    char *copy = malloc(strlen(s) + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, s, strlen(s) + 1);
    return copy;
}
