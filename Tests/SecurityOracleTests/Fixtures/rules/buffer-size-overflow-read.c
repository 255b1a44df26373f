#include <string.h>

void copy_key(unsigned char *out) {
    unsigned char key[16] = {0};
    // ruleid: buffer-size-overflow-read
    memcpy(out, key, 32);
    // ok: buffer-size-overflow-read
    memcpy(out, key, sizeof(key));
}
