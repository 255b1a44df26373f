#define TABLE_SIZE 16

static int table[TABLE_SIZE];

int set_entry(int idx, int value) {
    // ruleid: array-index-check-off-by-one
    if (idx < 0 || idx > TABLE_SIZE) {
        return -1;
    }
    table[idx] = value;
    return 0;
}

int get_entry(int idx) {
    // ok: array-index-check-off-by-one
    if (idx < 0 || idx >= TABLE_SIZE) {
        return -1;
    }
    return table[idx];
}
