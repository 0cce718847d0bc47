/* files: files and directories in a fresh directory under /tmp (removed at the end).
 * Prints results, sizes and the errno names of deliberate failures. Permission-denied paths
 * are not tested (root and other users differ natively); nothing printed depends on the
 * directory's random name, inode numbers, times or the host file system. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "errnames.h"

static void check(const char *what, long r)
{
    printf("%-44s %s", what, r == -1 ? errname(errno) : "ok");
    if (r != -1 && r != 0) printf(" (%ld)", r);
    printf("\n");
}
#define CHECK(what, expr) check(what, (long)(expr))
#define FAIL(what, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%-44s %s\n", what, r_ == -1 ? errname(errno) : "unexpectedly succeeded"); } while (0)

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *ftype(mode_t m)
{
    if (S_ISREG(m)) return "file";
    if (S_ISDIR(m)) return "dir";
    if (S_ISLNK(m)) return "symlink";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISCHR(m)) return "chardev";
    return "other";
}

static void show_stat(const char *what, const char *path, int follow)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    if (r == -1) { printf("%-44s %s\n", what, errname(errno)); return; }
    /* A directory's size and link count depend on the file system: not printed. */
    if (S_ISDIR(st.st_mode))
        printf("%-44s dir mode=%04o\n", what, st.st_mode & 07777);
    else
        printf("%-44s %s size=%lld mode=%04o nlink=%lu\n", what, ftype(st.st_mode),
               (long long)st.st_size, st.st_mode & 07777, (unsigned long)st.st_nlink);
}

static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s: %s\n", path, errname(errno)); return; }
    char *names[64];
    int n = 0, dtype_ok = 1;
    struct dirent *de;
    while ((de = readdir(d)) && n < 64) {
        names[n++] = strdup(de->d_name);
        if (de->d_type != DT_UNKNOWN && strcmp(de->d_name, "..") != 0) {
            char p[512];
            struct stat st;
            snprintf(p, sizeof p, "%s/%s", path, de->d_name);
            if (lstat(p, &st) == 0 && (unsigned)(st.st_mode >> 12) != de->d_type) dtype_ok = 0;
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmpstr);
    printf("listing of %s (%d entries, sorted):", path, n);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\nd_type agrees with lstat: %s\n", dtype_ok ? "yes" : "no");
}

static void slurp(const char *what, const char *path)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%-44s %s\n", what, errname(errno)); return; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) { printf("%-44s read %s\n", what, errname(errno)); return; }
    buf[n] = 0;
    printf("%-44s %zd bytes: \"", what, n);
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\n') printf("\\n"); else if (buf[i] == 0) printf("\\0"); else putchar(buf[i]);
    printf("\"\n");
}

int main(void)
{
    char dir[] = "/tmp/emu-files-XXXXXX", cwd[256], buf[256];
    umask(022);
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir)) { printf("mkdtemp: %s\n", errname(errno)); return 1; }
    printf("mkdtemp /tmp/emu-files-XXXXXX               ok\n");
    CHECK("chdir into it", chdir(dir));
    printf("getcwd matches: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0 ? "yes" : "no");
    FAIL("getcwd into a 4-byte buffer", getcwd(buf, 4) ? 0 : -1);

    /* create, write, read, seek */
    int fd = open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
    CHECK("open a.txt O_CREAT|O_EXCL", fd < 0 ? -1 : 0);
    const char *line = "hello, files\n";
    for (int i = 0; i < 3; i++) CHECK("write 13 bytes", write(fd, line, strlen(line)));
    struct iovec iov[2] = { { "vec", 3 }, { "tor\n", 4 } };
    CHECK("writev 3+4 bytes", writev(fd, iov, 2));
    FAIL("read from an O_WRONLY fd", read(fd, buf, 1));
    CHECK("close", close(fd));
    FAIL("open a.txt O_CREAT|O_EXCL again", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    show_stat("stat a.txt", "a.txt", 1);
    slurp("contents of a.txt", "a.txt");

    fd = open("a.txt", O_RDWR);
    CHECK("lseek SEEK_SET 7", lseek(fd, 7, SEEK_SET));
    memset(buf, 0, sizeof buf);
    CHECK("read 5", read(fd, buf, 5));
    printf("  -> \"%s\"\n", buf);
    CHECK("lseek SEEK_CUR -5", lseek(fd, -5, SEEK_CUR));
    CHECK("lseek SEEK_END 0", lseek(fd, 0, SEEK_END));
    CHECK("lseek SEEK_END -4", lseek(fd, -4, SEEK_END));
    CHECK("read at end-4 (asks 100)", read(fd, buf, 100));
    CHECK("read at EOF", read(fd, buf, 100));
    FAIL("lseek to a negative offset", lseek(fd, -1000, SEEK_SET));
    FAIL("lseek with whence 17", lseek(fd, 0, 17));
    CHECK("lseek SEEK_SET 100 (past the end)", lseek(fd, 100, SEEK_SET));
    CHECK("write 4 bytes there", write(fd, "tail", 4));
    struct stat st;
    fstat(fd, &st);
    printf("fstat size after writing past the end        %lld\n", (long long)st.st_size);
    CHECK("pread 4 at 60 (inside the hole)", pread(fd, buf, 4, 60));
    printf("  -> hole reads as zeros: %s\n", !buf[0] && !buf[1] && !buf[2] && !buf[3] ? "yes" : "no");
    CHECK("pwrite 5 at 0", pwrite(fd, "HELLO", 5, 0));
    CHECK("position unchanged by pread/pwrite", lseek(fd, 0, SEEK_CUR));
    CHECK("ftruncate to 20", ftruncate(fd, 20));
    fstat(fd, &st);
    printf("fstat size after ftruncate                   %lld\n", (long long)st.st_size);
    CHECK("close", close(fd));
    slurp("contents of a.txt", "a.txt");

    fd = open("a.txt", O_WRONLY | O_APPEND);
    CHECK("write with O_APPEND", write(fd, "+app\n", 5));
    close(fd);
    show_stat("stat a.txt", "a.txt", 1);
    fd = open("a.txt", O_RDONLY | O_CLOEXEC);
    printf("fcntl F_GETFD with O_CLOEXEC                 %s\n", fcntl(fd, F_GETFD) == FD_CLOEXEC ? "FD_CLOEXEC" : "wrong");
    printf("fcntl F_GETFL access mode                    %s\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "wrong");
    FAIL("write to an O_RDONLY fd", write(fd, "x", 1));
    close(fd);
    fd = open("a.txt", O_RDWR | O_TRUNC);
    fstat(fd, &st);
    printf("size after O_TRUNC                           %lld\n", (long long)st.st_size);
    close(fd);
    FAIL("open a directory for writing", open(".", O_WRONLY));
    FAIL("open a.txt/x (file as directory)", open("a.txt/x", O_RDONLY));
    FAIL("open with O_DIRECTORY on a file", open("a.txt", O_RDONLY | O_DIRECTORY));

    /* rename, link, unlink */
    CHECK("rename a.txt -> b.txt", rename("a.txt", "b.txt"));
    show_stat("stat a.txt", "a.txt", 1);
    CHECK("link b.txt c.txt", link("b.txt", "c.txt"));
    show_stat("stat b.txt", "b.txt", 1);
    CHECK("unlink c.txt", unlink("c.txt"));
    show_stat("stat b.txt", "b.txt", 1);
    FAIL("unlink c.txt again", unlink("c.txt"));
    fd = open("r.txt", O_CREAT | O_WRONLY, 0600);
    write(fd, "replaced\n", 9);
    close(fd);
    CHECK("rename r.txt over b.txt", rename("r.txt", "b.txt"));
    slurp("contents of b.txt", "b.txt");

    /* directories */
    CHECK("mkdir d 0755", mkdir("d", 0755));
    FAIL("mkdir d again", mkdir("d", 0755));
    FAIL("mkdir missing/sub", mkdir("missing/sub", 0755));
    const char *names[] = { "d/zeta", "d/alpha", "d/mid", "d/Upper", "d/.hidden" };
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        fd = open(names[i], O_CREAT | O_WRONLY, 0644);
        write(fd, names[i], i + 1);
        close(fd);
    }
    CHECK("mkdir d/sub 0700", mkdir("d/sub", 0700));
    show_stat("stat d/sub", "d/sub", 1);
    show_stat("stat d/mid", "d/mid", 1);
    list_dir("d");
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK("open d O_DIRECTORY", dfd < 0 ? -1 : 0);
    CHECK("openat(d, \"mid\") + read", (fd = openat(dfd, "mid", O_RDONLY)) < 0 ? -1 : read(fd, buf, 10));
    close(fd);
    CHECK("mkdirat(d, \"sub2\")", mkdirat(dfd, "sub2", 0755));
    CHECK("renameat(d, zeta, d, omega)", renameat(dfd, "zeta", dfd, "omega"));
    CHECK("fstatat(d, omega)", fstatat(dfd, "omega", &st, 0) == 0 ? (long)st.st_size : -1);
    FAIL("rmdir d (not empty)", rmdir("d"));
    FAIL("unlink d (a directory)", unlink("d"));
    FAIL("rmdir d/mid (a file)", rmdir("d/mid"));
    FAIL("unlinkat(d, sub2, 0) (a directory)", unlinkat(dfd, "sub2", 0));
    CHECK("unlinkat(d, sub2, AT_REMOVEDIR)", unlinkat(dfd, "sub2", AT_REMOVEDIR));
    list_dir("d");
    CHECK("chdir d/sub", chdir("d/sub"));
    CHECK("chdir ../..", chdir("../.."));
    printf("back in the fresh directory: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0 ? "yes" : "no");
    CHECK("fchdir(d)", fchdir(dfd));
    show_stat("stat mid (relative to d)", "mid", 1);
    CHECK("chdir ..", chdir(".."));
    close(dfd);
    const char *rm[] = { "d/omega", "d/alpha", "d/mid", "d/Upper", "d/.hidden" };
    for (unsigned i = 0; i < sizeof rm / sizeof *rm; i++) CHECK("unlink", unlink(rm[i]));
    CHECK("rmdir d/sub", rmdir("d/sub"));
    list_dir("d");
    CHECK("rmdir d", rmdir("d"));

    /* symlinks */
    CHECK("symlink b.txt <- s", symlink("b.txt", "s"));
    FAIL("symlink again (exists)", symlink("b.txt", "s"));
    memset(buf, 0, sizeof buf);
    CHECK("readlink s", readlink("s", buf, sizeof buf));
    printf("  -> \"%s\"\n", buf);
    CHECK("readlink s into 3 bytes (truncates)", readlink("s", buf, 3));
    FAIL("readlink b.txt (not a link)", readlink("b.txt", buf, sizeof buf));
    show_stat("lstat s", "s", 0);
    show_stat("stat s (follows)", "s", 1);
    slurp("contents through s", "s");
    CHECK("symlink nowhere <- dangling", symlink("nowhere", "dangling"));
    FAIL("open dangling", open("dangling", O_RDONLY));
    show_stat("lstat dangling", "dangling", 0);
    CHECK("symlink loop2 <- loop1", symlink("loop2", "loop1"));
    CHECK("symlink loop1 <- loop2", symlink("loop1", "loop2"));
    FAIL("open loop1 (symlink loop)", open("loop1", O_RDONLY));
    FAIL("open s with O_NOFOLLOW", open("s", O_RDONLY | O_NOFOLLOW));

    /* dup, dup2 onto stdout */
    fflush(stdout);
    int saved = dup(1);
    fd = open("out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK("dup2(out.txt, 1)", dup2(fd, 1) == 1 ? 0 : -1);
    printf("this line went to out.txt through fd 1\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fd);
    slurp("contents of out.txt", "out.txt");
    FAIL("dup2(99999, 5)", dup2(99999, 5));
    fd = open("out.txt", O_RDONLY);
    int fd2 = dup(fd);
    lseek(fd, 5, SEEK_SET);
    printf("dup shares the offset: %s\n", lseek(fd2, 0, SEEK_CUR) == 5 ? "yes" : "no");
    close(fd);
    close(fd2);

    /* pipe round trip */
    int p[2];
    CHECK("pipe", pipe(p));
    CHECK("write 4 into the pipe", write(p[1], "ping", 4));
    CHECK("write 6 into the pipe", write(p[1], " pong\n", 6));
    memset(buf, 0, sizeof buf);
    CHECK("read from the pipe (asks 100)", read(p[0], buf, 100));
    printf("  -> \"%.9s\"\n", buf);
    FAIL("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
    FAIL("write to the read end", write(p[0], "x", 1));
    CHECK("close the write end", close(p[1]));
    CHECK("read at EOF of the pipe", read(p[0], buf, 100));
    CHECK("pipe again", pipe(p));
    CHECK("close the read end", close(p[0]));
    FAIL("write with no reader (SIGPIPE ignored)", write(p[1], "x", 1));
    close(p[1]);
    int big[2];
    pipe(big);
    char chunk[4096];
    memset(chunk, 'q', sizeof chunk);
    long total = 0;
    for (int i = 0; i < 8; i++) total += write(big[1], chunk, sizeof chunk);
    close(big[1]);
    long got = 0, n;
    while ((n = read(big[0], chunk, sizeof chunk)) > 0) got += n;
    close(big[0]);
    printf("32 KiB through a pipe: wrote %ld, read %ld\n", total, got);

    /* clean up */
    const char *rm2[] = { "b.txt", "s", "dangling", "loop1", "loop2", "out.txt" };
    for (unsigned i = 0; i < sizeof rm2 / sizeof *rm2; i++) CHECK("unlink", unlink(rm2[i]));
    list_dir(".");
    CHECK("chdir /", chdir("/"));
    CHECK("rmdir the fresh directory", rmdir(dir));
    show_stat("stat it", dir, 1);
    FAIL("close(-1)", close(-1));
    return 0;
}
