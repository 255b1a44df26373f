#include <unistd.h>
#include <stdio.h>

void drop_privileges(uid_t uid, gid_t gid) {
    // ruleid: unchecked-return
    setgid(gid);
    // ruleid: unchecked-return
    setuid(uid);
}

int drop_privileges_checked(uid_t uid, gid_t gid) {
    // ok: unchecked-return
    if (setgid(gid) != 0) return -1;
    // ok: unchecked-return
    if (setuid(uid) != 0) return -1;
    return 0;
}

void jail(const char *dir) {
    // ruleid: unchecked-return
    chroot(dir);
    // ok: unchecked-return
    (void)chdir("/");
}

int read_count(void) {
    int n = 0;
    /* scanf is left to the low-severity unchecked-scanf-return rule. */
    // ok: unchecked-return
    scanf("%d", &n);
    return n;
}
