#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

int write_log(const char *path, const char *msg) {
    // ruleid: toctou-check-then-open
    if (access(path, W_OK) != 0) {
        return -1;
    }
    FILE *f = fopen(path, "a");
    if (!f) return -1;
    fputs(msg, f);
    fclose(f);
    return 0;
}

int safe_open(const char *path) {
    int fd = open(path, O_RDONLY | O_NOFOLLOW);
    struct stat st;
    if (fd < 0) return -1;
    // ok: toctou-check-then-open
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}
