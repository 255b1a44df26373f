#include <stddef.h>
#include <sys/random.h>

/* Fixed: tokens from the kernel CSPRNG. */
int make_session_token(unsigned char *token, size_t n) {
    return getrandom(token, n, 0) == (ssize_t)n ? 0 : -1;
}
