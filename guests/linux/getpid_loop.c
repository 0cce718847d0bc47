/* getpid_loop: N raw getpid system calls (argv[1], default 1,000,000), to time the cost of a
 * system call. Prints only the count. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long pid = syscall(SYS_getpid), same = 0;
    for (long i = 0; i < n; i++) same += syscall(SYS_getpid) == pid;
    printf("getpid_loop: %ld calls, %s\n", n, same == n ? "all returned the same pid" : "PIDS DIFFER");
    return 0;
}
