/* errors: system calls that must fail, and the errno each must give (the man pages' and
 * Linux's). Raw syscall() is used wherever libc would check or rewrite the arguments first.
 * None of these depends on the user being root or not. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "errnames.h"

static void expect(const char *what, long r, int want)
{
    int e = errno;
    if (r != -1)
        printf("%-48s returned %ld, want %s: WRONG\n", what, r, errname(want));
    else
        printf("%-48s %s%s\n", what, errname(e), e == want ? "" : " (WRONG)");
    errno = 0;
}

static void expect_ok(const char *what, long r, long want)
{
    printf("%-48s %s", what, r == -1 ? errname(errno) : "ok");
    if (r != -1) printf(" (%ld)%s", r, r == want ? "" : " (WRONG)");
    printf("\n");
    errno = 0;
}

int main(void)
{
    char buf[64];
    static char longpath[PATH_MAX + 16], longname[NAME_MAX + 8];
    int p[2];
    pipe(p);
    write(p[1], "abcdefgh", 8);
    int ro = open("/dev/null", O_RDONLY);

    expect("open(/nonexistent/file)", open("/nonexistent/file", O_RDONLY), ENOENT);
    expect("open(\"\")", open("", O_RDONLY), ENOENT);
    expect("open(bad pointer)", syscall(SYS_open, (char *)8, O_RDONLY), EFAULT);
    expect("openat(bad dirfd, relative)", openat(1234, "x", O_RDONLY), EBADF);
    expect("open(O_CREAT in a missing dir)", open("/nonexistent/new", O_CREAT | O_WRONLY, 0644), ENOENT);
    memset(longpath, 'a', PATH_MAX + 8);
    expect("open(path longer than PATH_MAX)", open(longpath, O_RDONLY), ENAMETOOLONG);
    memset(longname, 'b', NAME_MAX + 4);
    longname[0] = '/';
    expect("stat(component longer than NAME_MAX)", stat(longname, (struct stat *)buf), ENAMETOOLONG);
    expect("open(/dev/null/x)", open("/dev/null/x", O_RDONLY), ENOTDIR);
    expect("open(/, O_WRONLY)", open("/", O_WRONLY), EISDIR);

    expect("write(read-only fd)", write(ro, "x", 1), EBADF);
    expect("read(write end of a pipe)", read(p[1], buf, 1), EBADF);
    expect("read(pipe, bad pointer)", syscall(SYS_read, p[0], (void *)8, 4), EFAULT);
    expect("write(pipe, bad pointer)", syscall(SYS_write, p[1], (void *)8, 4), EFAULT);
    expect_ok("read(pipe, bad pointer, 0 bytes)", syscall(SYS_read, p[0], (void *)8, 0), 0);
    expect_ok("read(pipe, 8 bytes) still all there", read(p[0], buf, 8), 8);
    expect("read(fd 9999)", read(9999, buf, 1), EBADF);
    expect("read(fd -1)", read(-1, buf, 1), EBADF);
    expect("writev(iovcnt -1)", syscall(SYS_writev, 1, buf, -1), EINVAL);
    expect("writev(bad iovec pointer)", syscall(SYS_writev, 1, (void *)8, 1), EFAULT);
    struct iovec biov = { (void *)8, 4 };
    expect("writev(iovec with a bad buffer)", syscall(SYS_writev, p[1], &biov, 1), EFAULT);
    expect("lseek(pipe)", lseek(p[0], 0, SEEK_SET), ESPIPE);
    expect("lseek(fd 9999)", lseek(9999, 0, SEEK_SET), EBADF);
    expect("pread(pipe)", pread(p[0], buf, 1, 0), ESPIPE);

    expect("close(-1)", close(-1), EBADF);
    expect("close(9999)", close(9999), EBADF);
    int fd = dup(ro);
    close(fd);
    expect("close(an fd closed already)", close(fd), EBADF);
    expect("dup(-1)", dup(-1), EBADF);
    expect("dup2(9999, 3)", dup2(9999, 3), EBADF);
    expect("dup3(ro, ro, 0)", syscall(SYS_dup3, ro, ro, 0), EINVAL);
    expect("fcntl(ro, 9999)", fcntl(ro, 9999), EINVAL);
    expect("fcntl(fd 9999, F_GETFD)", fcntl(9999, F_GETFD), EBADF);
    expect("fstat(fd 9999)", syscall(SYS_fstat, 9999, buf), EBADF);
    expect("fstat(ro, bad pointer)", syscall(SYS_fstat, ro, (void *)8), EFAULT);
    expect("ioctl(/dev/null, TCGETS)", ioctl(ro, TCGETS, buf), ENOTTY);
    expect("ioctl(pipe, TIOCGWINSZ)", ioctl(p[0], TIOCGWINSZ, buf), ENOTTY);
    expect("ioctl(fd 9999, TCGETS)", ioctl(9999, TCGETS, buf), EBADF);
    expect("pipe(bad pointer)", syscall(SYS_pipe, (void *)8), EFAULT);

    expect("chdir(/dev/null)", chdir("/dev/null"), ENOTDIR);
    expect("chdir(/nonexistent)", chdir("/nonexistent"), ENOENT);
    expect("unlink(/)", unlink("/"), EISDIR);
    expect("rmdir(/nonexistent)", rmdir("/nonexistent"), ENOENT);
    expect("mkdir(/ again)", mkdir("/", 0755), EEXIST);
    expect("readlink(/nonexistent)", readlink("/nonexistent", buf, sizeof buf), ENOENT);
    expect("readlink(/, bufsiz 0)", syscall(SYS_readlink, "/", buf, 0), EINVAL);
    expect("getcwd(size 0)", syscall(SYS_getcwd, buf, 0), ERANGE);
    expect("getcwd(size 1)", syscall(SYS_getcwd, buf, 1), ERANGE);
    expect("access(/nonexistent, F_OK)", access("/nonexistent", F_OK), ENOENT);
    expect("access(/, bad mode)", syscall(SYS_access, "/", 0x100), EINVAL);

    expect("syscall(400) (unassigned on x86-64)", syscall(400), ENOSYS);
    expect("syscall(100000)", syscall(100000), ENOSYS);
    expect("syscall(-1)", syscall(-1), ENOSYS);
    expect("arch_prctl(0x9999)", syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
    expect("clock_gettime(clock 1234)", syscall(SYS_clock_gettime, 1234, buf), EINVAL);
    struct timespec bad = { 0, 1000000000 };
    expect("nanosleep(tv_nsec = 1e9)", syscall(SYS_nanosleep, &bad, NULL), EINVAL);
    expect("nanosleep(bad pointer)", syscall(SYS_nanosleep, (void *)8, NULL), EFAULT);
    expect("rt_sigaction(sigsetsize 4)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, buf, 4), EINVAL);
    expect("rt_sigprocmask(how 99)", syscall(SYS_rt_sigprocmask, 99, buf, NULL, 8), EINVAL);
    expect("kill(pid 0x7fffffff, 0)", kill(0x7fffffff, 0), ESRCH);
    expect("kill(self, signal 99)", kill(getpid(), 99), EINVAL);
    expect("getrlimit(resource 999)", syscall(SYS_getrlimit, 999, buf), EINVAL);
    expect("uname(bad pointer)", syscall(SYS_uname, (void *)8), EFAULT);
    expect("mmap(length 0)", syscall(SYS_mmap, 0, 0, 1, 0x22, -1, 0), EINVAL);
    expect("munmap(unaligned)", syscall(SYS_munmap, 4097, 4096), EINVAL);
    expect("mprotect(unmapped range)", syscall(SYS_mprotect, 0x1000, 4096, 1), ENOMEM);
    expect("wait4(no children)", syscall(SYS_wait4, -1, NULL, 0, NULL), ECHILD);
    expect_ok("write(stdout, 0 bytes)", write(1, buf, 0), 0);
    printf("errno after a successful call is left alone: %s\n", errno == 0 ? "yes" : "no");
    return 0;
}
