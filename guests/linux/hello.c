/* hello: the smallest program — stdio's printf (musl: writev) and exit status 0. */
#include <stdio.h>

int main(void)
{
    printf("Hello from a static Linux program!\n");
    return 0;
}
