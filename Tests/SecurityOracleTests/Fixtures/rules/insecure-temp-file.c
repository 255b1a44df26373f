#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Generated helpers that need a scratch file: the name-then-open ones race another process. */
FILE *open_scratch(void) {
    char name[L_tmpnam];
    // ruleid: insecure-temp-file
    if (tmpnam(name) == NULL) return NULL;
    return fopen(name, "w+");
}

int make_work_file(char *out, size_t n) {
    char tmpl[] = "/tmp/workXXXXXX";
    // ruleid: insecure-temp-file
    char *name = mktemp(tmpl);
    if (name == NULL || name[0] == '\0') return -1;
    snprintf(out, n, "%s", name);
    return 0;
}

int make_work_file_safe(void) {
    char tmpl[] = "/tmp/workXXXXXX";
    // ok: insecure-temp-file
    int fd = mkstemp(tmpl);
    if (fd < 0) return -1;
    unlink(tmpl);
    return fd;
}

FILE *open_scratch_safe(void) {
    // ok: insecure-temp-file
    FILE *f = tmpfile();
    return f;
}
