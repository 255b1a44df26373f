#include <stdio.h>

/* Fixed: a field width one less than the buffer. */
int ask_city(void) {
    char city[20];
    if (scanf("%19s", city) != 1) return -1;
    return puts(city);
}
