/* Off-by-one: the loop writes one element past the end. */
void clear(void) {
    int values[10];
    for (int i = 0; i <= 10; i++) {
        values[i] = 0;
    }
}
