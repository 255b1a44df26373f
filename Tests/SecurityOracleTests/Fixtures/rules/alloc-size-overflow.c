#include <stdlib.h>
#include <stdint.h>
#include <string.h>

struct point { int x, y; };

struct point *make_points(size_t count) {
    // ruleid: alloc-size-overflow
    struct point *pts = malloc(count * sizeof(struct point));
    if (!pts) return NULL;
    memset(pts, 0, count * sizeof(struct point));
    return pts;
}

int *make_grid(int width, int height) {
    // ruleid: alloc-size-overflow
    int *grid = (int *)malloc(width * height * sizeof(int));
    return grid;
}

struct point *make_points_safe(size_t count) {
    if (count > SIZE_MAX / sizeof(struct point)) {
        return NULL;
    }
    // ok: alloc-size-overflow
    return malloc(count * sizeof(struct point));
}

struct point *make_points_calloc(size_t count) {
    // ok: alloc-size-overflow
    return calloc(count, sizeof(struct point));
}

char *make_buffer(void) {
    // ok: alloc-size-overflow
    return malloc(16 * sizeof(char));
}
