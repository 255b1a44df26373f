#include <unistd.h>

void run_tool(const char *prog, const char *arg) {
    // ruleid: exec-nonliteral
    execlp(prog, prog, arg, (char *)NULL);
}

void run_shell(const char *script) {
    // ruleid: exec-nonliteral
    execl("/bin/sh", "sh", "-c", script, (char *)NULL);
}

void run_ls(const char *dir) {
    // ok: exec-nonliteral
    execl("/bin/ls", "ls", "-l", dir, (char *)NULL);
}
