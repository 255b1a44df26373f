#include <stdio.h>

/* Fixed: fgets with the buffer size. */
void read_name(void) {
    char name[32];
    if (fgets(name, sizeof(name), stdin) == NULL) return;
    printf("hello %s\n", name);
}
