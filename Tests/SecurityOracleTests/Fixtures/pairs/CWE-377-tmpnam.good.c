#include <stdio.h>

/* Fixed: tmpfile creates and opens atomically. */
FILE *scratch(void) {
    FILE *f = tmpfile();
    return f;
}
