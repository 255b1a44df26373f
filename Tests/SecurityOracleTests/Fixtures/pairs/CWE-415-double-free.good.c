#include <stdlib.h>

/* Fixed: the pointer is cleared after the first free. */
int process(size_t n) {
    char *buf = malloc(n);
    if (buf == NULL) return -1;
    if (n < 4) {
        free(buf);
        buf = NULL;
    }
    free(buf);
    return 0;
}
