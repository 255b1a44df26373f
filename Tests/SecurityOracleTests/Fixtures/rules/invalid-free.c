#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void stack_array(int n) {
    char buffer[64];
    memset(buffer, 'A', sizeof(buffer));
    // ruleid: invalid-free
    free(buffer);
}

void variable_length(int n) {
    char buffer[n];
    buffer[0] = 0;
    // ruleid: invalid-free
    free(buffer);
}

void address_of(void) {
    int value = 3;
    // ruleid: invalid-free
    free(&value);
}

void heap_block(size_t n) {
    char *p = malloc(n);
    if (p == NULL) return;
    p[0] = 0;
    // ok: invalid-free
    free(p);
}

void array_parameter(char buf[]) {
    // ok: invalid-free
    free(buf);
}

void array_of_pointers(void) {
    char *items[4];
    for (int i = 0; i < 4; i++) items[i] = malloc(8);
    // ok: invalid-free
    for (int i = 0; i < 4; i++) free(items[i]);
}

void stream_on_a_name(void) {
    char file_path[64] = "out.txt";
    FILE *f = fopen(file_path, "w");
    if (f == NULL) return;
    fclose(f);
    // ok: invalid-free
    fclose(file_path);
}
