#include <stdlib.h>
#include <string.h>

/* Integer overflow to buffer overflow: count * size may wrap and allocate too little. */
int *make_table(size_t count) {
    int *table = malloc(count * sizeof(int));
    if (table == NULL) return NULL;
    memset(table, 0, count * sizeof(int));
    return table;
}
