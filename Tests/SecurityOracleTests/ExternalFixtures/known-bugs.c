/* Fixture for the external-analyzer adapter tests: one known bug per line family. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void copy_name(const char *src) {
    char buf[10];
    strcpy(buf, src);
    buf[10] = 0;
    puts(buf);
}

void release(char *p) {
    free(p);
    free(p); /* second */
}

void log_user(const char *user) {
    printf(user);
}
