#include <stdio.h>

/* Improper validation of an array index: the index comes from input and is only checked from below. */
void bump(void) {
    int buffer[10] = {0};
    int data = -1;
    if (fscanf(stdin, "%d", &data) != 1) return;
    if (data >= 0) {
        buffer[data] = 1;
    }
    printf("%d\n", buffer[0]);
}
