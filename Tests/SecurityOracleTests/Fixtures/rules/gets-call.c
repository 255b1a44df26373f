#include <stdio.h>

int main(void) {
    char name[50];
    printf("Enter your name: ");
    // ruleid: gets-call
    gets(name);
    // ok: gets-call
    fgets(name, sizeof(name), stdin);
    printf("Hello, %s\n", name);
    return 0;
}
