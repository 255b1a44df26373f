#include <string.h>

static const unsigned char table[32] = {0};

void read_table(unsigned char *out, size_t count) {
    // ruleid: fixed-buffer-unchecked-length-read
    memcpy(out, table, count);
}

int read_table_checked(unsigned char *out, size_t count) {
    if (count > sizeof(table)) return -1;
    // ok: fixed-buffer-unchecked-length-read
    memcpy(out, table, count);
    return 0;
}
