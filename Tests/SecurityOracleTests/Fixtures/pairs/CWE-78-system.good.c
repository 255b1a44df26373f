#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

/* Fixed: no shell; the file name is a single argument to the program. */
int list_file(const char *filename) {
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/ls", "ls", "-l", "--", filename, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
    return status;
}
