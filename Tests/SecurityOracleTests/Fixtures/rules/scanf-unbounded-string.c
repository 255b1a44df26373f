#include <stdio.h>

int ask_name(void) {
    char name[32];
    int age;
    printf("Name: ");
    // ruleid: scanf-unbounded-string
    if (scanf("%s", name) != 1) return -1;
    // ok: scanf-unbounded-string
    if (scanf("%31s", name) != 1) return -1;
    // ok: scanf-unbounded-string
    if (scanf("%d", &age) != 1) return -1;
    return age;
}

void parse_record(const char *line) {
    char key[16], value[64];
    // ruleid: scanf-unbounded-string
    sscanf(line, "%s = %[^\n]", key, value);
    // ok: scanf-unbounded-string
    sscanf(line, "%15s = %63[^\n]", key, value);
}
