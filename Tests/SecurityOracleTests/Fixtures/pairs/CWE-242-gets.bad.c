#include <stdio.h>

/* Inherently dangerous function. */
void read_name(void) {
    char name[32];
    gets(name);
    printf("hello %s\n", name);
}
