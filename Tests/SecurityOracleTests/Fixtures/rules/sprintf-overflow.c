#include <stdio.h>
#include <stdint.h>

void label(int id) {
    char buf[8];
    // ruleid: sprintf-overflow
    sprintf(buf, "%d", id);
    puts(buf);
}

void price(double amount) {
    char out[32];
    // ruleid: sprintf-overflow
    sprintf(out, "%.2f", amount);
    puts(out);
}

void file_name(unsigned index) {
    char name[12];
    // ruleid: sprintf-overflow
    sprintf(name, "log_%u.txt", index);
    puts(name);
}

void label_fits(int id) {
    char buf[12];
    // ok: sprintf-overflow
    sprintf(buf, "%d", id);
    puts(buf);
}

void hex_byte(uint8_t byte) {
    char hex[3];
    // ok: sprintf-overflow
    sprintf(hex, "%02x", byte);
    puts(hex);
}

void hex_cast(int value) {
    char hex[3];
    // ok: sprintf-overflow
    sprintf(hex, "%02X", (unsigned char)value);
    puts(hex);
}

void exponent(double x) {
    char out[24];
    // ok: sprintf-overflow
    sprintf(out, "%e", x);
    puts(out);
}

void bounded_name(const char *user) {
    char out[16];
    // ok: sprintf-overflow
    sprintf(out, "id-%.8s", user);
    puts(out);
}

void through_pointer(char *out, int id) {
    // ok: sprintf-overflow
    sprintf(out, "%d", id);
}
