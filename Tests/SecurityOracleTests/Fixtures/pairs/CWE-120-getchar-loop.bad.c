#include <stdio.h>

/* Classic buffer overflow: characters are stored until newline. */
int read_word(void) {
    char word[16];
    int i = 0, c;
    while ((c = getchar()) != EOF && c != '\n') {
        word[i++] = (char)c;
    }
    word[i] = '\0';
    return puts(word);
}
