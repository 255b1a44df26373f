#include <stdio.h>
#include <unistd.h>

/* "Read a line from the user into a buffer": the loop stores until newline, whatever the buffer holds. */
void read_line(void) {
    char buf[64];
    int i = 0;
    int c;
    while ((c = getchar()) != '\n' && c != EOF) {
        // ruleid: input-loop-overflow
        buf[i++] = c;
    }
    buf[i] = '\0';
    puts(buf);
}

void read_word(FILE *f, char *word) {
    int n = 0, ch;
    for (;;) {
        ch = fgetc(f);
        if (ch == EOF || ch == ' ') break;
        // ruleid: input-loop-overflow
        word[n] = (char)ch;
        n++;
    }
    word[n] = 0;
}

void read_line_safe(void) {
    char buf[64];
    int i = 0;
    int c;
    while (i < (int)sizeof(buf) - 1 && (c = getchar()) != '\n' && c != EOF) {
        // ok: input-loop-overflow
        buf[i++] = c;
    }
    buf[i] = '\0';
    puts(buf);
}

void read_word_safe(FILE *f, char *word, int size) {
    int n = 0, ch;
    while ((ch = fgetc(f)) != EOF && ch != ' ') {
        if (n >= size - 1) break;
        // ok: input-loop-overflow
        word[n++] = (char)ch;
    }
    word[n] = 0;
}
