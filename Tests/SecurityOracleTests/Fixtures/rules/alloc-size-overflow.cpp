// C++ array new: the int product wraps before new[] sees it, so the array is too small.
#include <cstddef>
#include <new>
#include <vector>

static const int kTileSize = 64;

float *make_image(int width, int height) {
    // ruleid: alloc-size-overflow
    float *pixels = new float[width * height];
    return pixels;
}

unsigned char *make_frames(int frames, int bytes_per_frame) {
    // ruleid: alloc-size-overflow
    return new (std::nothrow) unsigned char[frames * bytes_per_frame];
}

int *make_tiles(void) {
    // ok: alloc-size-overflow
    return new int[kTileSize * kTileSize];
}

float *make_image_checked(int width, int height) {
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384) return nullptr;
    // ok: alloc-size-overflow
    return new float[width * height];
}

std::vector<int> *make_list(int n) {
    // ok: alloc-size-overflow
    return new std::vector<int>(n * 2);
}

int *make_pairs(size_t n) {
    // ok: alloc-size-overflow
    return new int[n];
}
