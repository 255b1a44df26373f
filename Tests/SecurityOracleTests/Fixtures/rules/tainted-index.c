#include <stdio.h>
#include <stdlib.h>

static int counters[16];

int main(int argc, char **argv) {
    int idx = atoi(argv[1]);
    // ruleid: tainted-index
    counters[idx]++;
    return 0;
}

void bump(void) {
    int slot;
    if (scanf("%d", &slot) != 1) return;
    if (slot < 0 || slot >= 16) return;
    // ok: tainted-index
    counters[slot]++;
}
