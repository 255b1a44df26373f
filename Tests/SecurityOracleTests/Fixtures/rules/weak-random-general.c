#include <stdlib.h>
#include <stdio.h>

int roll_dice(void) {
    // ruleid: weak-random-general
    int dice = rand() % 6 + 1;
    return dice;
}

void shuffle(int *items, int n) {
    for (int i = n - 1; i > 0; i--) {
        // ruleid: weak-random-general
        int j = random() % (i + 1);
        int tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
    }
}

unsigned int generate_session_token(void) {
    // ok: weak-random-general
    return (unsigned int)rand();
}

int pick(int n) {
    unsigned int r;
    // ok: weak-random-general
    arc4random_buf(&r, sizeof r);
    return (int)(r % (unsigned int)n);
}
