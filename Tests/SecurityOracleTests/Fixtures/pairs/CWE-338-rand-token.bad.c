#include <stdlib.h>

/* Weak PRNG for a security value: session tokens from rand(). */
void make_session_token(unsigned char *token, size_t n) {
    for (size_t i = 0; i < n; i++) {
        token[i] = (unsigned char)(rand() & 0xff);
    }
}
