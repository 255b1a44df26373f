#include <stdlib.h>

struct node { int value; struct node *next; };

/* NULL pointer dereference: malloc's result is used unchecked. */
struct node *push(struct node *head, int value) {
    struct node *n = malloc(sizeof(*n));
    n->value = value;
    n->next = head;
    return n;
}
