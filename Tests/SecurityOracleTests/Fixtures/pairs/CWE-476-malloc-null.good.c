#include <stdlib.h>

struct node { int value; struct node *next; };

/* Fixed: the allocation is checked. */
struct node *push(struct node *head, int value) {
    struct node *n = malloc(sizeof(*n));
    if (n == NULL) return head;
    n->value = value;
    n->next = head;
    return n;
}
