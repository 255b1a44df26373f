#include <string.h>
#include <stdlib.h>

struct user { char name[32]; };

void set_name(struct user *u, const char *name) {
    // ruleid: copy-sized-by-source
    memcpy(u->name, name, strlen(name) + 1);
}

void copy_token(const char *src) {
    char token[16];
    size_t len = strlen(src);
    // ruleid: copy-sized-by-source
    strncpy(token, src, len);
    token[15] = '\0';
}

void copy_checked(const char *src) {
    char token[16];
    size_t len = strlen(src);
    if (len >= sizeof(token)) {
        return;
    }
    // ok: copy-sized-by-source
    memcpy(token, src, len + 1);
}

char *duplicate(const char *s) {
    char *d = malloc(strlen(s) + 1);
    if (!d) return NULL;
    // ok: copy-sized-by-source
    memcpy(d, s, strlen(s) + 1);
    return d;
}

void copy_bounded(char *dst, const char *src) {
    char tmp[64];
    // ok: copy-sized-by-source
    strncpy(tmp, src, sizeof(tmp) - 1);
}
