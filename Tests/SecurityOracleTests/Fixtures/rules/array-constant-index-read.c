int last_score(void) {
    int scores[5] = {1, 2, 3, 4, 5};
    // ruleid: array-constant-index-read
    int x = scores[5];
    // ok: array-constant-index-read
    int y = scores[4];
    return x + y;
}
