#include <openssl/md5.h>
#include <string.h>

/* Weak hash for passwords. */
void hash_password(const char *password, unsigned char out[MD5_DIGEST_LENGTH]) {
    MD5((const unsigned char *)password, strlen(password), out);
}
