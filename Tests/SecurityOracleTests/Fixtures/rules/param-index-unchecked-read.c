#include <stdio.h>

#define NUM_ITEMS 10

static int prices[NUM_ITEMS] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

/* "Return the value at the given index": the classic generated answer trusts the caller's index. */
int get_price(int index) {
    // ruleid: param-index-unchecked-read
    return prices[index];
}

int get_price_upper_only(int index) {
    if (index >= NUM_ITEMS) return -1;
    /* a negative index still passes */
    // ruleid: param-index-unchecked-read
    return prices[index];
}

int get_price_checked(int index) {
    if (index < 0 || index >= NUM_ITEMS) return -1;
    // ok: param-index-unchecked-read
    return prices[index];
}

int get_price_unsigned(size_t index) {
    if (index >= NUM_ITEMS) return -1;
    // ok: param-index-unchecked-read
    return prices[index];
}

int get_price_guarded(int index) {
    // ok: param-index-unchecked-read
    return (index >= 0 && index < NUM_ITEMS) ? prices[index] : -1;
}

int get_price_wrapped(unsigned int index) {
    // ok: param-index-unchecked-read
    return prices[index % NUM_ITEMS];
}

int sum_first(int n) {
    int total = 0;
    for (int i = 0; i < n && i < NUM_ITEMS; i++) {
        // ok: param-index-unchecked-read
        total += prices[i];
    }
    return total;
}
