#include <stdio.h>
#include <string.h>

/* Stack-based buffer overflow: data from the caller is copied into a 10-byte stack buffer. */
void print_copy(const char *data) {
    char dest[10];
    strcpy(dest, data);
    printf("%s\n", dest);
}
