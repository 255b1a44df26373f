#include <stdio.h>
#include <string.h>
#include <stdlib.h>

void split_words(char *line) {
    // ruleid: dangerous-function
    char *word = strtok(line, " ");
    while (word != NULL) {
        puts(word);
        // ruleid: dangerous-function
        word = strtok(NULL, " ");
    }
}

void temp_file(void) {
    char name[L_tmpnam];
    // ruleid: dangerous-function
    tmpnam(name);
    char tmpl[] = "/tmp/appXXXXXX";
    // ok: dangerous-function
    int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
}
