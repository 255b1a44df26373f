#include <stdio.h>

static int scores[8];

void set_score(int player, int value) {
    // ruleid: param-index-unchecked-write
    scores[player] = value;
}

void add_score(int player, int value) {
    if (player < 0) return;
    // ruleid: param-index-unchecked-write
    scores[player] += value;
}

int set_score_checked(int player, int value) {
    if (player < 0 || player >= 8) {
        return -1;
    }
    // ok: param-index-unchecked-write
    scores[player] = value;
    return 0;
}

void reset(int player) {
    int local[4] = {0};
    if (player >= 0 && player < 4) {
        // ok: param-index-unchecked-write
        local[player] = 1;
    }
    printf("%d\n", local[0]);
}
