#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    // ruleid: tainted-size
    char *buf = malloc(n);
    if (!buf) return 1;
    // ruleid: tainted-size
    memset(buf, 'A', n);
    free(buf);
    return 0;
}

void handle_packet(int sock) {
    unsigned int len;
    char data[256];
    recv(sock, &len, sizeof(len), 0);
    // ruleid: tainted-size
    recv(sock, data, len, 0);
}

void handle_packet_checked(int sock) {
    unsigned int len;
    char data[256];
    recv(sock, &len, sizeof(len), 0);
    if (len > sizeof(data)) {
        return;
    }
    // ok: tainted-size
    recv(sock, data, len, 0);
}
