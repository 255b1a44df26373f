#include <stdio.h>

/* Insecure temporary file: the name can be claimed before it is opened. */
FILE *scratch(void) {
    char name[L_tmpnam];
    if (tmpnam(name) == NULL) return NULL;
    return fopen(name, "w+");
}
