// Test file for memory.yaml: `ruleid:` lines must be flagged, `ok:` lines must not.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void copies(char *src, char *fmt) {
    char buf[16];
    // ruleid: c-strcpy-unbounded
    strcpy(buf, src);
    // ok: c-strcpy-unbounded
    strcpy(buf, "constant");
    // ruleid: c-sprintf-unbounded
    sprintf(buf, "name=%s", src);
    // ok: c-sprintf-unbounded
    sprintf(buf, "%d", 42);
    // ruleid: c-gets
    gets(buf);
    // ruleid: c-scanf-unbounded-string
    scanf("%s", buf);
    // ok: c-scanf-unbounded-string
    scanf("%15s", buf);
    // ruleid: c-memcpy-source-sized
    memcpy(buf, src, strlen(src));
    // ok: c-memcpy-source-sized
    memcpy(buf, src, sizeof(buf) - 1);
}

char *dup(const char *s) {
    // ruleid: c-malloc-strlen
    char *p = malloc(strlen(s));
    // ok: c-malloc-strlen
    char *q = malloc(strlen(s) + 1);
    free(p);
    return q;
}

int *table(size_t n, size_t m) {
    // ruleid: c-alloc-size-multiplication
    int *t = malloc(n * m);
    return t;
}

void lifetime(char *p, char *q) {
    free(p);
    // ruleid: c-use-after-free
    p[0] = 'x';
    free(q);
    q = NULL;
    // ok: c-use-after-free
    q = malloc(4);
}

void twice(char *p) {
    free(p);
    // ruleid: c-double-free
    free(p);
}

void unchecked(size_t n) {
    char *p;
    p = malloc(n);
    // ruleid: c-unchecked-alloc
    p[0] = 0;
    char *q;
    q = malloc(n);
    if (q == NULL) return;
    // ok: c-unchecked-alloc
    q[0] = 0;
}
