#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixed: printed before the release. */
void report(const char *text) {
    char *msg = malloc(64);
    if (msg == NULL) return;
    snprintf(msg, 64, "report: %s", text);
    printf("%s\n", msg);
    free(msg);
}
