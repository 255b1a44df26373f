#include <stdlib.h>
#include <stdio.h>

unsigned int generate_session_token(void) {
    // ruleid: weak-random
    return (unsigned int)rand();
}

void make_password(char *out, int len) {
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < len; i++) {
        // ruleid: weak-random
        out[i] = alphabet[rand() % 36];
    }
    out[len] = '\0';
}

int roll_dice(void) {
    // ok: weak-random
    int dice = rand() % 6 + 1;
    return dice;
}
