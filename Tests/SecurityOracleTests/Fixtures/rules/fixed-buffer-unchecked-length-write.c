#include <string.h>
#include <stdint.h>

struct packet { uint16_t len; uint8_t payload[512]; };

void handle_packet(const struct packet *pkt) {
    uint8_t body[256];
    // ruleid: fixed-buffer-unchecked-length-write
    memcpy(body, pkt->payload, pkt->len);
}

void handle_packet_checked(const struct packet *pkt) {
    uint8_t body[256];
    if (pkt->len > sizeof(body)) {
        return;
    }
    // ok: fixed-buffer-unchecked-length-write
    memcpy(body, pkt->payload, pkt->len);
}

void copy_name(const char *src, size_t n) {
    char name[64];
    // ruleid: fixed-buffer-unchecked-length-write
    strncpy(name, src, n);
    size_t m = n < sizeof(name) - 1 ? n : sizeof(name) - 1;
    // ok: fixed-buffer-unchecked-length-write
    memcpy(name, src, m);
    name[m] = '\0';
}
