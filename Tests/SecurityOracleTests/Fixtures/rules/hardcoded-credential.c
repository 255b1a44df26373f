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
