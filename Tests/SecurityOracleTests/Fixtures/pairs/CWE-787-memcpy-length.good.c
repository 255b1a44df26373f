#include <string.h>

/* Fixed: the length is checked against the destination first. */
void handle(const unsigned char *pkt, size_t len) {
    unsigned char payload[64];
    if (len > sizeof(payload)) return;
    memcpy(payload, pkt + 2, len);
    (void)payload;
}
