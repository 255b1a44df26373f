#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE 64

void read_header(int fd) {
    char header[BUF_SIZE];
    // ruleid: buffer-size-overflow-write
    read(fd, header, BUF_SIZE * 2);
    // ok: buffer-size-overflow-write
    read(fd, header, sizeof(header));
}

void get_input(void) {
    char line[80];
    // ruleid: buffer-size-overflow-write
    fgets(line, 256, stdin);
    // ok: buffer-size-overflow-write
    fgets(line, sizeof line, stdin);
    int values[10];
    // ruleid: buffer-size-overflow-write
    memset(values, 0, 100);
    // ok: buffer-size-overflow-write
    memset(values, 0, sizeof(values));
}
