#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void split_words(char *line) {
    // ruleid: dangerous-function
    char *word = strtok(line, " ");
    while (word != NULL) {
        puts(word);
        // ruleid: dangerous-function
        word = strtok(NULL, " ");
    }
}

void show_time(void) {
    time_t now = time(NULL);
    // ruleid: dangerous-function
    char *stamp = ctime(&now);
    puts(stamp);
    char tmpl[] = "/tmp/appXXXXXX";
    // ok: dangerous-function
    int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
}
