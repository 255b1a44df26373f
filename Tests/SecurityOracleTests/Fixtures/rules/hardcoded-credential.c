#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Check the user's login": generated answers often compare against credentials written into the code. */
int login(const char *user, const char *password) {
    // ruleid: hardcoded-credential
    if (strcmp(user, "admin") == 0 && strcmp(password, "s3cr3t!") == 0) {
        return 1;
    }
    return 0;
}

int connect_db(void) {
    // ruleid: hardcoded-credential
    const char *db_password = "P@ssw0rd123";
    // ruleid: hardcoded-credential
    char api_key[] = "sk_live_51Hx9a8b7c6d5e4f";
    printf("%zu %zu\n", strlen(db_password), strlen(api_key));
    return 0;
}

int connect_db_safe(void) {
    // ok: hardcoded-credential
    const char *db_password = getenv("DB_PASSWORD");
    if (db_password == NULL) return -1;
    // ok: hardcoded-credential
    printf("Enter password: ");
    // ok: hardcoded-credential
    const char *password_prompt = "Password:";
    // ok: hardcoded-credential
    char *secret = "";
    puts(password_prompt);
    return secret[0];
}

int check_user(const char *user) {
    // ok: hardcoded-credential
    return strcmp(user, "guest") == 0;
}

struct login { const char *user; const char *password; };

int encrypt_block(unsigned char *out, const unsigned char *in) {
    // ruleid: hardcoded-credential
    unsigned char aes_key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
    // ruleid: hardcoded-credential
    unsigned char iv[] = {0, 1, 2, 3, 4, 5, 6, 7};
    // ruleid: hardcoded-credential
    struct login admin_password = {"admin", "hunter2x"};
    return out[0] = in[0] ^ aes_key[0] ^ iv[0] ^ admin_password.password[0];
}

int tables(void) {
    // ok: hardcoded-credential
    int keyboard_rows[] = {1, 2, 3, 4, 5};
    // ok: hardcoded-credential
    int primes[] = {2, 3, 5, 7, 11};
    // ok: hardcoded-credential
    unsigned char key[32] = {0};
    // ok: hardcoded-credential
    const char *keys[] = {"up", "down", "left", "right"};
    return keyboard_rows[0] + primes[0] + key[0] + keys[0][0];
}
