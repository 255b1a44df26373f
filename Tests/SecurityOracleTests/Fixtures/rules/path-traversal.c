#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UPLOAD_DIR "/var/www/uploads"

FILE *open_upload(const char *filename) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", UPLOAD_DIR, filename);
    // ruleid: path-traversal
    return fopen(path, "rb");
}

FILE *open_upload_checked(const char *filename) {
    char path[512];
    if (strstr(filename, "..") != NULL || strchr(filename, '/') != NULL) {
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/%s", UPLOAD_DIR, filename);
    // ok: path-traversal
    return fopen(path, "rb");
}

int main(int argc, char **argv) {
    char path[256];
    const char *home = getenv("HOME");
    snprintf(path, sizeof(path), "%s/.config/%s", home, argv[1]);
    // ruleid: path-traversal
    FILE *f = fopen(path, "r");
    if (f) fclose(f);
    // ok: path-traversal
    FILE *g = fopen("/etc/app.conf", "r");
    if (g) fclose(g);
    return 0;
}
