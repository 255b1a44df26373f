#include <stdio.h>
#include <stdlib.h>

int average(int total, int count) {
    // ruleid: divide-by-unchecked
    return total / count;
}

int average_safe(int total, int count) {
    if (count == 0) {
        return 0;
    }
    // ok: divide-by-unchecked
    return total / count;
}

int main(int argc, char **argv) {
    int a = atoi(argv[1]);
    int b = atoi(argv[2]);
    // ruleid: divide-by-unchecked
    printf("%d\n", a % b);
    // ok: divide-by-unchecked
    printf("%d\n", a / 2);
    return 0;
}
