#include <openssl/evp.h>

/* Fixed: AES-256-GCM through EVP. */
int encrypt_block(EVP_CIPHER_CTX *ctx, const unsigned char *key, const unsigned char *iv) {
    return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv);
}
