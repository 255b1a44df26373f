#include <stdio.h>
#include <string.h>

/* Fixed: the copy is bounded by the destination and terminated. */
void print_copy(const char *data) {
    char dest[10];
    strncpy(dest, data, sizeof(dest) - 1);
    dest[sizeof(dest) - 1] = '\0';
    printf("%s\n", dest);
}
