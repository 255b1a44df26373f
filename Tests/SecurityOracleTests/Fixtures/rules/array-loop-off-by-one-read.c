#define N 8

int sum(void) {
    int data[N] = {1, 2, 3, 4, 5, 6, 7, 8};
    int total = 0;
    // ruleid: array-loop-off-by-one-read
    for (int i = 0; i <= N; i++) {
        total += data[i];
    }
    // ok: array-loop-off-by-one-read
    for (int i = 0; i < N; i++) {
        total += data[i];
    }
    return total;
}
