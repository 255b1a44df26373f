#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct packet { uint16_t len; uint8_t type; unsigned char data[]; };
struct msg { char *body; size_t cap; };

/* A parser that trusts the length byte of the record it parses. */
void handle_record(struct msg *m, const unsigned char *rec) {
    size_t n = rec[0];
    // ruleid: length-field-unchecked
    memcpy(m->body, rec + 1, n);
}

/* A struct member alone is not a length field from the wire: left alone (see docs/ORACLE.md). */
void copy_key(struct msg *dst, const struct packet *p) {
    // ok: length-field-unchecked
    memcpy(dst->body, p->data, p->len);
}

void handle_wire(struct msg *m, const unsigned char *wire) {
    uint16_t n = ntohs(*(const uint16_t *)wire);
    // ruleid: length-field-unchecked
    memcpy(m->body, wire + 2, n);
}

int handle_wire_checked(struct msg *m, const unsigned char *wire) {
    uint16_t n = ntohs(*(const uint16_t *)wire);
    if (n > m->cap) return -1;
    // ok: length-field-unchecked
    memcpy(m->body, wire + 2, n);
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
