#include <stdlib.h>
#include <string.h>

int parse(const char *input) {
    char *copy = strdup(input);
    if (!copy) return -1;
    if (strlen(copy) == 0) {
        free(copy);
    }
    // ruleid: double-free
    free(copy);
    return 0;
}

int parse_ok(const char *input) {
    char *copy = strdup(input);
    if (!copy) return -1;
    if (strlen(copy) == 0) {
        free(copy);
        return 0;
    }
    // ok: double-free
    free(copy);
    return 1;
}

void reset(char **p) {
    free(*p);
    *p = NULL;
}

void clear(char *a) {
    free(a);
    a = NULL;
    // ok: double-free
    free(a);
}
