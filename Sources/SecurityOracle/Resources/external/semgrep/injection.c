// Test file for injection.yaml: `ruleid:` lines must be flagged, `ok:` lines must not.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <syslog.h>
#include <openssl/md5.h>

void formats(char *user, FILE *f) {
    // ruleid: c-format-nonliteral
    printf(user);
    // ok: c-format-nonliteral
    printf("%s", user);
    // ruleid: c-format-nonliteral
    fprintf(f, user);
    // ruleid: c-format-nonliteral
    syslog(LOG_ERR, user);
}

void commands(char *arg) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s", arg);
    // ruleid: c-command-injection
    system(cmd);
    // ok: c-command-injection
    system("ls -l");
}

void paths(void) {
    char path[256];
    char *home = getenv("HOME");
    snprintf(path, sizeof path, "%s/.config", home);
    // ruleid: c-path-from-input
    fopen(path, "r");
    char *dir = getenv("TMPDIR");
    // ruleid: c-path-from-input
    open(dir, O_RDONLY);
}

void races(const char *p) {
    if (access(p, W_OK) == 0) {
        // ruleid: c-toctou-access-open
        int fd = open(p, O_WRONLY);
        close(fd);
    }
}

unsigned token(void) {
    // ruleid: c-insecure-random
    srand(time(NULL));
    return rand();
}

void digest(const unsigned char *d, size_t n, unsigned char *out) {
    // ruleid: c-weak-crypto
    MD5(d, n, out);
    char name[] = "/tmp/xXXXXXX";
    // ruleid: c-dangerous-function
    mktemp(name);
    // ok: c-dangerous-function
    mkstemp(name);
}
