#include <unistd.h>

/* Unchecked return value: privileges may not have been dropped. */
void drop(uid_t uid) {
    setuid(uid);
}
