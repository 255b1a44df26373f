#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct packet { uint16_t len; uint8_t type; unsigned char data[]; };
struct msg { char *body; size_t cap; };

/* A parser that trusts the length field of the packet it parses. */
void handle_packet(struct msg *m, const struct packet *p) {
    // ruleid: length-field-unchecked
    memcpy(m->body, p->data, p->len);
}

void handle_wire(struct msg *m, const unsigned char *wire) {
    uint16_t n = ntohs(*(const uint16_t *)wire);
    // ruleid: length-field-unchecked
    memcpy(m->body, wire + 2, n);
}

int handle_packet_checked(struct msg *m, const struct packet *p) {
    if (p->len > m->cap) return -1;
    // ok: length-field-unchecked
    memcpy(m->body, p->data, p->len);
    return 0;
}

char *handle_wire_alloc(const unsigned char *wire) {
    uint16_t n = ntohs(*(const uint16_t *)wire);
    char *body = malloc(n);
    if (body == NULL) return NULL;
    // ok: length-field-unchecked
    memcpy(body, wire + 2, n);
    return body;
}

/* A helper whose length is the caller's contract: not a length field. */
void copy_bytes(char *dst, const char *src, size_t n) {
    // ok: length-field-unchecked
    memcpy(dst, src, n);
}
