#include <stdlib.h>
#include <string.h>

/* Fixed: the expected password comes from the environment. */
int authenticate(const char *password) {
    const char *expected = getenv("APP_PASSWORD");
    if (expected == NULL) return 0;
    return strcmp(password, expected) == 0;
}
