#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Fixed: the product is checked before the allocation. */
int *make_table(size_t count) {
    if (count == 0 || count > SIZE_MAX / sizeof(int)) return NULL;
    int *table = malloc(count * sizeof(int));
    if (table == NULL) return NULL;
    memset(table, 0, count * sizeof(int));
    return table;
}
