#include <stdio.h>

/* Unbounded %s read into a fixed buffer. */
int ask_city(void) {
    char city[20];
    if (scanf("%s", city) != 1) return -1;
    return puts(city);
}
