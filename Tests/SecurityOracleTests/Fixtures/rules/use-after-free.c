#include <stdio.h>
#include <stdlib.h>

struct session { char *user; int id; };

void close_session(struct session *s) {
    free(s);
    // ruleid: use-after-free
    printf("closed session %d\n", s->id);
}

int process(char *buf) {
    free(buf);
    // ruleid: use-after-free
    return buf[0];
}

void release(struct session *s) {
    free(s->user);
    s->user = NULL;
    // ok: use-after-free
    printf("%p\n", (void *)s->user);
    free(s);
}

int handle(char *data, int err) {
    if (err) {
        free(data);
        return -1;
    }
    // ok: use-after-free
    return data[0];
}

struct node { int value; struct node *next; };

void free_list(struct node *head) {
    struct node *n;
    // ruleid: use-after-free
    for (n = head; n != NULL; n = n->next) {
        free(n);
    }
}

void free_list_ok(struct node *head) {
    struct node *n = head, *next;
    // ok: use-after-free
    for (; n != NULL; n = next) {
        next = n->next;
        free(n);
    }
}
