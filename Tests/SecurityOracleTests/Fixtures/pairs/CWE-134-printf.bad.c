#include <stdio.h>

/* Uncontrolled format string: the input is the format. */
void log_message(const char *data) {
    printf(data);
}
