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

/* Flag the flaw, not the call: these copies cannot overflow. */
char *duplicate(const char *src) {
    char *copy = malloc(strlen(src) + 1);
    if (copy == NULL) return NULL;
    // ok: unbounded-copy
    strcpy(copy, src);
    return copy;
}

char *join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *out = malloc(la + lb + 1);
    if (!out) return NULL;
    // ok: unbounded-copy
    strcpy(out, a);
    // ok: unbounded-copy
    strcat(out, b);
    return out;
}

char *join_path(const char *dir, const char *file) {
    char *path = malloc(strlen(dir) + strlen(file) + 2);
    if (!path) return NULL;
    // ok: unbounded-copy
    sprintf(path, "%s/%s", dir, file);
    return path;
}

int set_label(const char *src) {
    char label[32];
    if (strlen(src) >= sizeof(label)) {
        return -1;
    }
    // ok: unbounded-copy
    strcpy(label, src);
    puts(label);
    return 0;
}

void copy_same(void) {
    char a[16] = "short";
    char b[16];
    // ok: unbounded-copy
    strcpy(b, a);
    puts(b);
}

int set_label_unchecked(const char *src) {
    char label[32];
    if (strlen(src) > 0) {
        // ruleid: unbounded-copy
        strcpy(label, src);
    }
    puts(label);
    return 0;
}
