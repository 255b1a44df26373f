#include <string.h>

struct account { char name[32]; };

void set_name(struct account *a, const char *name) {
    char tmp[32];
    // ruleid: strncpy-unterminated
    strncpy(tmp, name, sizeof(tmp));
    memcpy(a->name, tmp, sizeof(a->name));
}

void set_name_ok(const char *name) {
    char tmp[32];
    // ok: strncpy-unterminated
    strncpy(tmp, name, sizeof(tmp));
    tmp[sizeof(tmp) - 1] = '\0';
    // ok: strncpy-unterminated
    strncpy(tmp, name, sizeof(tmp) - 1);
}
