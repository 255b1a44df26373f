#include <stdlib.h>
#include <unistd.h>

/* Fixed: a failed drop stops the program. */
void drop(uid_t uid) {
    if (setuid(uid) != 0) abort();
}
