#include <stdio.h>
#include <stdlib.h>

int ping_host(const char *host) {
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "ping -c 1 %s", host);
    // ruleid: command-injection
    return system(cmd);
}

void list_files(void) {
    // ok: command-injection
    system("ls -l /tmp");
    // ok: command-injection
    FILE *p = popen("date", "r");
    if (p) pclose(p);
}

int main(int argc, char *argv[]) {
    // ruleid: command-injection
    FILE *p = popen(argv[1], "r");
    if (p) pclose(p);
    return 0;
}

int show_disk(int verbose) {
    const char *cmd = "df -h";
    if (verbose) cmd = "df -h -T";
    // ok: command-injection
    return system(cmd);
}

int run_tool(const char *arg) {
    char *cmd = "tool --version";
    if (arg) cmd = (char *)arg;
    // ruleid: command-injection
    return system(cmd);
}

int list_files(void) {
    char command[] = "ls -l";
    // ok: command-injection
    return system(command);
}

int list_named(const char *name) {
    char command[64] = "ls -l ";
    strncat(command, name, sizeof(command) - strlen(command) - 1);
    // ruleid: command-injection
    return system(command);
}
