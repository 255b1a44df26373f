#include <stdio.h>
#include <stdarg.h>
#include <syslog.h>

void log_message(const char *msg) {
    // ruleid: format-string-nonliteral
    printf(msg);
    // ok: format-string-nonliteral
    printf("%s", msg);
    // ruleid: format-string-nonliteral
    syslog(LOG_INFO, msg);
    // ok: format-string-nonliteral
    fprintf(stderr, "error: %s\n", msg);
}

void log_fmt(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    // ok: format-string-nonliteral
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        // ruleid: format-string-nonliteral
        fprintf(stdout, argv[1]);
    }
    return 0;
}
