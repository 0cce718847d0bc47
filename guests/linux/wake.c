/* wake: a process that waits is woken by a signal from another process (pipe(7) "I/O on pipes",
 * signal(7) "Interruption of system calls and library functions by signal handlers").
 *   wake wait        the waiter: prints what each wait returned
 *   wake kill PID    the sender: for each step, waits until the waiter announced it (a file in
 *                    /tmp), gives it time to block, and sends the signal
 * Steps: (1) read of an empty pipe with a writer, SIGUSR1 handler without SA_RESTART: EINTR;
 * (2) the same with SA_RESTART, the handler writes a byte into the pipe: the read is restarted
 * and returns that byte; (3) pause(), SIGUSR2: EINTR; (4) sigsuspend() with SIGUSR1 blocked
 * outside it: EINTR, and the old mask is back afterwards. Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int p[2];
static volatile sig_atomic_t got;

static void handler(int sig) { got = sig; }
static void refill(int sig) { got = sig; write(p[1], "x", 1); }

static void install(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void announce(int step)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/emu-wake-%d", step);
    close(open(path, O_CREAT | O_WRONLY, 0600));
}

static const char *res(long r) { static char b[64]; if (r < 0) snprintf(b, sizeof b, "-1 %s", strerror(errno)); else snprintf(b, sizeof b, "%ld", r); return b; }

static int waiter(void)
{
    char c = 0;
    pipe(p);
    install(SIGUSR1, handler, 0);
    announce(1);
    long r = read(p[0], &c, 1);
    printf("1. read of an empty pipe, SIGUSR1 without SA_RESTART: %s, handler ran for %d\n", res(r), got);
    got = 0;
    install(SIGUSR1, refill, SA_RESTART);
    announce(2);
    r = read(p[0], &c, 1);
    printf("2. the same with SA_RESTART, the handler fills the pipe: %s ('%c'), handler ran for %d\n", res(r), c, got);
    got = 0;
    install(SIGUSR2, handler, 0);
    announce(3);
    r = pause();
    printf("3. pause, SIGUSR2: %s, handler ran for %d\n", res(r), got);
    got = 0;
    sigset_t block, none, now;
    sigemptyset(&block); sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    install(SIGUSR1, handler, 0);
    sigemptyset(&none);
    announce(4);
    r = sigsuspend(&none);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("4. sigsuspend, SIGUSR1: %s, handler ran for %d, SIGUSR1 blocked again %s\n", res(r), got,
           sigismember(&now, SIGUSR1) ? "yes" : "no");
    for (int i = 1; i <= 4; i++) { char path[64]; snprintf(path, sizeof path, "/tmp/emu-wake-%d", i); unlink(path); }
    return 0;
}

static int sender(pid_t pid)
{
    int sigs[] = { SIGUSR1, SIGUSR1, SIGUSR2, SIGUSR1 };
    for (int step = 1; step <= 4; step++) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/emu-wake-%d", step);
        while (access(path, F_OK) != 0) sched_yield();
        struct timespec t = { 0, 50 * 1000 * 1000 };   /* let the waiter block */
        nanosleep(&t, NULL);
        kill(pid, sigs[step - 1]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "wait") == 0) return waiter();
    if (argc == 3 && strcmp(argv[1], "kill") == 0) return sender(atoi(argv[2]));
    fprintf(stderr, "usage: wake wait | wake kill PID\n");
    return 2;
}
