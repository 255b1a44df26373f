#include <stdio.h>

/* Fixed: both bounds are checked. */
void bump(void) {
    int buffer[10] = {0};
    int data = -1;
    if (fscanf(stdin, "%d", &data) != 1) return;
    if (data >= 0 && data < 10) {
        buffer[data] = 1;
    }
    printf("%d\n", buffer[0]);
}
