#include <stdio.h>

/* An ignored scanf result is a robustness bug (the variable keeps its old value); it is low severity. */
int read_age(void) {
    int age = 0;
    printf("age: ");
    // ruleid: unchecked-scanf-return
    scanf("%d", &age);
    return age;
}

void read_name(char *name, int n) {
    // ruleid: unchecked-scanf-return
    fgets(name, n, stdin);
}

int read_age_checked(void) {
    int age;
    // ok: unchecked-scanf-return
    if (scanf("%d", &age) != 1) return -1;
    return age;
}

int read_pair(const char *line, int *a, int *b) {
    // ok: unchecked-scanf-return
    return sscanf(line, "%d %d", a, b) == 2;
}
