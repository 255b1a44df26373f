#include <string.h>

/* Out-of-bounds write: the packet's length field is trusted. */
void handle(const unsigned char *pkt, size_t len) {
    unsigned char payload[64];
    memcpy(payload, pkt + 2, len);
    (void)payload;
}
