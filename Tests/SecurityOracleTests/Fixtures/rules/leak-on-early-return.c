#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int load_config(const char *path) {
    char *buf = malloc(4096);
    if (buf == NULL) {
        // ok: leak-on-early-return
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        // ruleid: leak-on-early-return
        return -1;
    }
    size_t n = fread(buf, 1, 4095, f);
    fclose(f);
    buf[n] = '\0';
    free(buf);
    // ok: leak-on-early-return
    return 0;
}

char *read_name(FILE *in) {
    char *name = malloc(64);
    if (!name) return NULL;
    if (fgets(name, 64, in) == NULL) {
        free(name);
        // ok: leak-on-early-return
        return NULL;
    }
    // ok: leak-on-early-return
    return name;
}
