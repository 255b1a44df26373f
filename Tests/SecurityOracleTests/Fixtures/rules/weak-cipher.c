#include <openssl/evp.h>

int encrypt_init(EVP_CIPHER_CTX *ctx, const unsigned char *key) {
    // ruleid: weak-cipher
    return EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL);
}

int encrypt_des(EVP_CIPHER_CTX *ctx, const unsigned char *key, const unsigned char *iv) {
    // ruleid: weak-cipher
    return EVP_EncryptInit_ex(ctx, EVP_des_cbc(), NULL, key, iv);
}

int encrypt_gcm(EVP_CIPHER_CTX *ctx, const unsigned char *key, const unsigned char *iv) {
    // ok: weak-cipher
    return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv);
}
