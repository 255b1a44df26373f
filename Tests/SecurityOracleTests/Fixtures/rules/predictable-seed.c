#include <stdlib.h>
#include <time.h>

void init_rng(void) {
    // ruleid: predictable-seed
    srand(time(NULL));
}

void init_rng_fixed(void) {
    // ok: predictable-seed
    srand(12345);
}

void init_rng_cast(void) {
    // ruleid: predictable-seed
    srand((unsigned)time(0) ^ 0x5bd1e995);
}
