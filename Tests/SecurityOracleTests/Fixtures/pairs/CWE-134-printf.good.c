#include <stdio.h>

/* Fixed: a literal format, the input is an argument. */
void log_message(const char *data) {
    printf("%s", data);
}
