#include <stdlib.h>
#include <string.h>

/* Incorrect buffer size: no room for the terminator. */
char *dup(const char *s) {
    char *d = malloc(strlen(s));
    if (d == NULL) return NULL;
    memcpy(d, s, strlen(s));
    return d;
}
