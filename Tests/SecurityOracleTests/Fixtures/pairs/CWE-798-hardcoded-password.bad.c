#include <string.h>

/* Hard-coded password. */
int authenticate(const char *password) {
    return strcmp(password, "letmein42") == 0;
}
