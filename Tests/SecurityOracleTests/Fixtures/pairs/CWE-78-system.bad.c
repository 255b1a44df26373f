#include <stdio.h>
#include <stdlib.h>

/* OS command injection: the file name from the user becomes part of a shell command. */
int list_file(const char *filename) {
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "ls -l %s", filename);
    return system(cmd);
}
