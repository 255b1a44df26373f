#include <stdio.h>
#include <stdlib.h>

static int counters[16];

int main(int argc, char **argv) {
    int idx = atoi(argv[1]);
    // ruleid: tainted-index
    counters[idx]++;
    return 0;
}

void bump(void) {
    int slot;
    if (scanf("%d", &slot) != 1) return;
    if (slot < 0 || slot >= 16) return;
    // ok: tainted-index
    counters[slot]++;
}

int lookup(void) {
    int slot;
    if (scanf("%d", &slot) != 1) return -1;
    if (slot >= 16) return -1;
    /* a negative number passes the check */
    // ruleid: tainted-index
    return counters[slot];
}

int lookup_byte(FILE *f) {
    unsigned char hdr[4];
    int c;
    if (fread(hdr, 1, 4, f) != 4) return -1;
    c = hdr[0];
    if (c >= 16) return -1;
    /* a byte is never negative: the upper check suffices */
    // ok: tainted-index
    return counters[c];
}

int first_small(FILE *f) {
    unsigned char buf[8];
    const unsigned char *p = buf;
    int c;
    if (fread(buf, 1, sizeof buf, f) != sizeof buf) return -1;
    while (p < buf + sizeof buf && (c = *p++) < 16) {
        // ok: tainted-index
        counters[c]++;
    }
    return 0;
}

void strip_newline(FILE *f) {
    char name[100];
    if (fgets(name, sizeof name, f) == NULL) return;
    /* the index is the string's own length: it lands on the terminator */
    // ok: tainted-index
    name[strcspn(name, "\n")] = '\0';
    puts(name);
}

void cut_after_word(FILE *f) {
    char *line = malloc(64);
    if (line == NULL || fgets(line, 64, f) == NULL) return;
    /* one past the terminator when the line has no space */
    // ruleid: tainted-index
    line[strcspn(line, " ") + 1] = '\0';
    puts(line);
    free(line);
}
