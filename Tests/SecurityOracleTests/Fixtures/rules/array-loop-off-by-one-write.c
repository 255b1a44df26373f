#define MAX_ITEMS 10

void fill(int seed) {
    int items[MAX_ITEMS];
    int i;
    // ruleid: array-loop-off-by-one-write
    for (i = 0; i <= MAX_ITEMS; i++) {
        items[i] = seed * i;
    }
    // ok: array-loop-off-by-one-write
    for (i = 0; i < MAX_ITEMS; i++) {
        items[i] = seed + i;
    }
}

void clear_name(void) {
    char name[32];
    // ruleid: array-loop-off-by-one-write
    for (int k = 0; k <= sizeof(name); k++)
        name[k] = 0;
    // ok: array-loop-off-by-one-write
    for (int k = 0; k < (int)sizeof(name); k++)
        name[k] = 0;
}
