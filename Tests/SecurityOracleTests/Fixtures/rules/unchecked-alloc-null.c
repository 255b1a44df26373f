#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int *make_array(size_t n) {
    int *arr = malloc(n * sizeof(int));
    // ruleid: unchecked-alloc-null
    arr[0] = 0;
    return arr;
}

char *dup_name(const char *name) {
    char *copy = strdup(name);
    // ruleid: unchecked-alloc-null
    copy[0] = 'X';
    return copy;
}

int count_lines(const char *path) {
    FILE *f = fopen(path, "r");
    int lines = 0, c;
    // ruleid: unchecked-alloc-null
    while ((c = fgetc(f)) != EOF) {
        if (c == '\n') lines++;
    }
    fclose(f);
    return lines;
}

struct node { int value; struct node *next; };

struct node *new_node(int v) {
    struct node *n = malloc(sizeof(*n));
    if (n == NULL) {
        return NULL;
    }
    // ok: unchecked-alloc-null
    n->value = v;
    n->next = NULL;
    return n;
}

char *make_copy(const char *s) {
    char *p = malloc(strlen(s) + 1);
    if (!p) return NULL;
    // ok: unchecked-alloc-null
    strcpy(p, s);
    return p;
}
