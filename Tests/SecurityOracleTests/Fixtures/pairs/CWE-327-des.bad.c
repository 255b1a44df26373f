#include <openssl/des.h>

/* Broken cipher: single DES in ECB mode. */
void encrypt_block(DES_cblock *in, DES_cblock *out, DES_key_schedule *ks) {
    DES_ecb_encrypt(in, out, ks, DES_ENCRYPT);
}
