#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 32

/* A typical generated string helper: allocates n+1 and then copies an unbounded input anyway. */
char *make_greeting(const char *name, size_t n) {
    char *out = malloc(n + 1);
    if (out == NULL) {
        return NULL;
    }
    // ruleid: unbounded-copy
    strcpy(out, name);
    return out;
}

void build_path(char *dst, const char *dir, const char *file) {
    // ruleid: unbounded-copy
    strcpy(dst, dir);
    // ruleid: unbounded-copy
    strcat(dst, file);
}

void format_user(const char *user) {
    char line[64];
    // ruleid: unbounded-copy
    sprintf(line, "user=%s", user);
    // ok: unbounded-copy
    snprintf(line, sizeof(line), "user=%s", user);
    // ok: unbounded-copy
    sprintf(line, "%d items", 42);
    // ok: unbounded-copy
    sprintf(line, "user=%.16s", user);
    puts(line);
}

void set_default(void) {
    char name[NAME_MAX_LEN];
    // ok: unbounded-copy
    strcpy(name, "guest");
    // ruleid: unbounded-copy
    strcat(name, "-account-with-a-suffix");
    puts(name);
}

void read_line(void) {
    char buf[128];
    // ruleid: unbounded-copy
    gets(buf);
    // ok: unbounded-copy
    fgets(buf, sizeof(buf), stdin);
}
