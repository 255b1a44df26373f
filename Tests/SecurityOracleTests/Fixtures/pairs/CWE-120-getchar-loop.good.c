#include <stdio.h>

/* Fixed: stops at the buffer size. */
int read_word(void) {
    char word[16];
    int i = 0, c;
    while (i < 15 && (c = getchar()) != EOF && c != '\n') {
        word[i++] = (char)c;
    }
    word[i] = '\0';
    return puts(word);
}
