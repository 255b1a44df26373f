void terminate(const char *src) {
    char buf[16];
    // ok: array-constant-index-write
    buf[15] = '\0';
    // ruleid: array-constant-index-write
    buf[16] = '\0';
    // ok: array-constant-index-write
    char *end = &buf[16];
    (void)end;
}
