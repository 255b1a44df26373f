#include <openssl/md5.h>
#include <openssl/sha.h>
#include <openssl/evp.h>

void hash_password(const char *pw, unsigned char *out) {
    // ruleid: weak-hash
    MD5((const unsigned char *)pw, strlen(pw), out);
}

void digest(EVP_MD_CTX *ctx) {
    // ruleid: weak-hash
    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
    // ok: weak-hash
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
}
