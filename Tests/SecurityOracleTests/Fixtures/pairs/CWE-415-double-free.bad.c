#include <stdlib.h>

/* Double free: the error path frees the buffer, then the common exit frees it again. */
int process(size_t n) {
    char *buf = malloc(n);
    if (buf == NULL) return -1;
    if (n < 4) {
        free(buf);
    }
    free(buf);
    return 0;
}
