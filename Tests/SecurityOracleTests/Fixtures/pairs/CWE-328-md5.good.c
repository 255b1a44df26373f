#include <openssl/sha.h>
#include <string.h>

/* Fixed: SHA-256 (a real system would use a password hash). */
void hash_password(const char *password, unsigned char out[SHA256_DIGEST_LENGTH]) {
    SHA256((const unsigned char *)password, strlen(password), out);
}
