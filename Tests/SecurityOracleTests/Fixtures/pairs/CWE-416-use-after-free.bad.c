#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Use after free: the message is printed after its buffer was released. */
void report(const char *text) {
    char *msg = malloc(64);
    if (msg == NULL) return;
    snprintf(msg, 64, "report: %s", text);
    free(msg);
    printf("%s\n", msg);
}
