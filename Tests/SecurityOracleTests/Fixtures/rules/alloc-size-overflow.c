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

/* A project's own allocator wrapper multiplies unchecked just like malloc. */
void *heap_alloc(size_t n);
short *make_row(unsigned width) {
    // ruleid: alloc-size-overflow
    return (short *)heap_alloc(width * sizeof(short));
}

/* The product inside one calloc argument is computed before calloc can check it. */
double *make_matrix(size_t rows, size_t cols) {
    // ruleid: alloc-size-overflow
    return calloc(rows * cols * sizeof(double), 1);
}

/* The wrapper, with the factor bounded first. */
short *make_row_checked(unsigned width) {
    if (width > 4096) return NULL;
    // ok: alloc-size-overflow
    return (short *)heap_alloc(width * sizeof(short));
}

/* Not an allocator: a product passed to a function whose name merely contains "alloc". */
void allocation_report(size_t n, size_t size);
void report(size_t n, size_t size) {
    // ok: alloc-size-overflow
    allocation_report(n * size, size);
}
