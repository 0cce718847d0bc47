/* mem: brk, malloc/free stress with a checksum, a 64 MiB anonymous mapping touched sparsely,
 * partial munmap, mprotect, mremap, MAP_FIXED, a PROT_NONE reservation. Whether a page is
 * accessible is probed without faulting: the kernel returns EFAULT when write() reads from an
 * unmapped buffer or read() stores into a read-only one (the probe stores back the byte it
 * read, so it changes nothing). No address is printed. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "errnames.h"

#define KiB 1024UL
#define MiB (1024 * KiB)

static int probe[2];

/* "rw", "r-" or "--": can the kernel read from the page, can it write to it? */
static const char *access_of(void *p)
{
    static char ring[16][3];     /* several results may appear in one printf */
    static unsigned k;
    char *s = ring[k++ % 16], c;
    c = 'x';
    s[0] = write(probe[1], p, 1) == 1 ? 'r' : '-';
    if (s[0] == 'r') read(probe[0], &c, 1);          /* drain it: c is the byte at p */
    write(probe[1], &c, 1);                          /* store the same byte back */
    s[1] = read(probe[0], p, 1) == 1 ? 'w' : '-';
    if (s[1] == '-') read(probe[0], &c, 1);
    s[2] = 0;
    return s;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

static void brk_test(void)
{
    uintptr_t cur = syscall(SYS_brk, 0);
    printf("brk(0): page-aligned %s\n", cur % 4096 == 0 ? "yes" : "no");
    uintptr_t r = syscall(SYS_brk, cur + 1 * MiB);
    printf("brk(+1 MiB): moved by %ld KiB\n", (long)(r - cur) / 1024);
    memset((void *)cur, 0x5A, 1 * MiB);
    unsigned sum = 0;
    for (uintptr_t p = cur; p < cur + MiB; p += 4096) sum += *(unsigned char *)p;
    printf("touched 256 pages of the new break: sum %u\n", sum);
    r = syscall(SYS_brk, cur + 4 * MiB + 100);
    printf("brk(+4 MiB + 100): moved by %ld bytes\n", (long)(r - cur));
    *(volatile char *)(cur + 4 * MiB + 99) = 1;
    printf("last byte below the unaligned break writable: yes\n");
    printf("memory from the first growth kept: %s\n", *(unsigned char *)(cur + MiB - 1) == 0x5A ? "yes" : "no");
    r = syscall(SYS_brk, cur + 4096);
    printf("brk(shrink to +4 KiB): at +%ld\n", (long)(r - cur));
    printf("page above the shrunk break: %s\n", access_of((void *)(cur + 8192)));
    r = syscall(SYS_brk, cur);
    printf("brk(back to the start): at +%ld\n", (long)(r - cur));
    r = syscall(SYS_brk, cur - 1 * MiB);
    printf("brk(below the start) refused (break unchanged): %s\n", r == cur ? "yes" : "no");
}

static void malloc_stress(void)
{
    enum { SLOTS = 1024, OPS = 40000 };
    static unsigned char *ptr[SLOTS];
    static size_t len[SLOTS];
    static unsigned char tag[SLOTS];
    uint64_t sum = 0;
    unsigned bad = 0, big = 0;
    for (int op = 0; op < OPS; op++) {
        unsigned s = next() % SLOTS;
        if (ptr[s]) {
            for (size_t i = 0; i < len[s]; i += 1 + len[s] / 64)
                if (ptr[s][i] != (unsigned char)(tag[s] + i)) bad++;
            sum = sum * 31 + ptr[s][len[s] - 1];
            if (next() % 4 == 0) {                      /* grow or shrink it */
                size_t nl = 1 + next() % (len[s] * 2 + 16);
                unsigned char *np = realloc(ptr[s], nl);
                size_t keep = nl < len[s] ? nl : len[s];
                for (size_t i = 0; i < keep; i += 1 + keep / 64)
                    if (np[i] != (unsigned char)(tag[s] + i)) bad++;
                for (size_t i = 0; i < nl; i++) np[i] = (unsigned char)(tag[s] + i);
                ptr[s] = np;
                len[s] = nl;
                continue;
            }
            free(ptr[s]);
            ptr[s] = NULL;
        } else {
            uint64_t k = next();
            size_t n = k % 100 == 0 ? 128 * KiB + k % (512 * KiB) : 1 + k % 2048;
            if (n >= 128 * KiB) big++;
            ptr[s] = malloc(n);
            if (!ptr[s]) { printf("malloc(%zu) failed\n", n); exit(1); }
            len[s] = n;
            tag[s] = (unsigned char)op;
            for (size_t i = 0; i < n; i++) ptr[s][i] = (unsigned char)(tag[s] + i);
        }
    }
    for (int s = 0; s < SLOTS; s++) free(ptr[s]);
    unsigned char *z = calloc(1000, 1000);
    unsigned nz = 0;
    for (int i = 0; i < 1000000; i++) nz += z[i] != 0;
    free(z);
    printf("malloc stress: %d ops, %u large blocks, checksum %016llx, corrupt bytes %u\n",
           OPS, big, (unsigned long long)sum, bad);
    printf("calloc(1000, 1000) non-zero bytes: %u\n", nz);
}

int main(void)
{
    pipe(probe);
    brk_test();
    malloc_stress();

    /* 64 MiB anonymous, touched sparsely */
    size_t size = 64 * MiB;
    unsigned char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap 64 MiB anonymous: %s\n", m == MAP_FAILED ? errname(errno) : "ok");
    printf("page-aligned: %s\n", (uintptr_t)m % 4096 == 0 ? "yes" : "no");
    unsigned zero = 1;
    for (size_t off = 0; off < size; off += 4 * MiB + 4096) zero &= m[off] == 0;
    printf("fresh pages read as zero: %s\n", zero ? "yes" : "no");
    uint64_t sum = 0;
    for (size_t off = 0; off < size; off += 1 * MiB) m[off + (off / MiB) * 7 % 4096] = (unsigned char)(off / MiB + 1);
    for (size_t off = 0; off < size; off += 1 * MiB) sum += m[off + (off / MiB) * 7 % 4096] * (off / MiB);
    m[size - 1] = 0xEE;
    printf("64 touched bytes, weighted sum %llu, last byte %02x\n", (unsigned long long)sum, m[size - 1]);

    /* partial munmap: a 16 MiB hole in the middle and the first page */
    printf("munmap [16 MiB, 32 MiB): %s\n", RES(munmap(m + 16 * MiB, 16 * MiB)));
    printf("munmap first page: %s\n", RES(munmap(m, 4096)));
    printf("access at 0, 4K, 16M-1, 16M, 24M, 32M-1, 32M, 64M-1: %s %s %s %s %s %s %s %s\n",
           access_of(m), access_of(m + 4096), access_of(m + 16 * MiB - 1), access_of(m + 16 * MiB),
           access_of(m + 24 * MiB), access_of(m + 32 * MiB - 1), access_of(m + 32 * MiB),
           access_of(m + size - 1));
    printf("data after the hole kept: %s\n", m[33 * MiB + 33 * 7 % 4096] == 34 && m[size - 1] == 0xEE ? "yes" : "no");
    printf("munmap of an unaligned address: %s\n", RES(munmap(m + 100, 4096)));
    printf("munmap of an already unmapped range: %s\n", RES(munmap(m + 16 * MiB, 4096)));
    printf("munmap length 0: %s\n", RES(munmap(m + 4096, 0)));

    /* mprotect */
    unsigned char *q = m + 40 * MiB;
    memset(q, 0x11, 3 * 4096);
    int rc = mprotect(q + 4096, 2 * 4096, PROT_READ);
    printf("mprotect 2 pages PROT_READ: %s\n", RES(rc));
    printf("access of the 3 pages: %s %s %s\n", access_of(q), access_of(q + 4096), access_of(q + 2 * 4096 + 4095));
    printf("read inside the read-only pages: %02x\n", q[4096 + 10]);
    rc = mprotect(q + 4096, 4096, PROT_NONE);
    printf("mprotect PROT_NONE: %s, ", RES(rc));
    printf("access %s\n", access_of(q + 4096));
    rc = mprotect(q + 4096, 2 * 4096, PROT_READ | PROT_WRITE);
    printf("mprotect back to RW: %s, ", RES(rc));
    printf("access %s, contents kept %s\n", access_of(q + 4096),
           q[4096] == 0x11 && q[3 * 4096 - 1] == 0x11 ? "yes" : "no");
    q[4096] = 0x22;
    /* musl's mprotect() rounds the address down: the raw call sees the unaligned one. */
    printf("mprotect of an unaligned address: %s\n", RES(syscall(SYS_mprotect, q + 1, 4096, PROT_READ)));
    printf("mprotect over the unmapped hole: %s\n", RES(mprotect(m + 16 * MiB, 4096, PROT_READ)));
    rc = munmap(m + 4096, 16 * MiB - 4096);
    printf("munmap the rest: %s ", RES(rc));
    rc = munmap(m + 32 * MiB, 32 * MiB);
    printf("%s\n", RES(rc));
    printf("access after munmap: %s\n", access_of(q));

    /* mremap grow and shrink */
    unsigned char *r = mmap(NULL, 1 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < MiB; i++) r[i] = (unsigned char)(i * 13);
    unsigned char *r2 = mremap(r, 1 * MiB, 8 * MiB, MREMAP_MAYMOVE);
    printf("mremap 1 MiB -> 8 MiB (MAYMOVE): %s\n", r2 == MAP_FAILED ? errname(errno) : "ok");
    unsigned keep = 1;
    for (size_t i = 0; i < MiB; i++) keep &= r2[i] == (unsigned char)(i * 13);
    unsigned nz = 0;
    for (size_t i = MiB; i < 8 * MiB; i += 4096) nz += r2[i] != 0;
    r2[8 * MiB - 1] = 1;
    printf("contents kept %s, new pages zero %s\n", keep ? "yes" : "no", nz == 0 ? "yes" : "no");
    unsigned char *r3 = mremap(r2, 8 * MiB, 2 * MiB, 0);
    printf("mremap shrink to 2 MiB in place: %s, same address %s, tail %s\n",
           r3 == MAP_FAILED ? errname(errno) : "ok", r3 == r2 ? "yes" : "no", access_of(r2 + 2 * MiB));
    printf("mremap with bad flags: %s\n", mremap(r3, 2 * MiB, 4 * MiB, 0x80) == MAP_FAILED ? errname(errno) : "ok");
    munmap(r3, 2 * MiB);

    /* MAP_FIXED, MAP_FIXED_NOREPLACE, hints, a large PROT_NONE reservation */
    unsigned char *f = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(f, 0x33, 4 * 4096);
    unsigned char *f2 = mmap(f + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED over the 2nd page: %s, replaced page zero %s, access %s, neighbours kept %s\n",
           f2 == f + 4096 ? "at the address" : "wrong", f[4096] == 0 ? "yes" : "no", access_of(f + 4096),
           f[0] == 0x33 && f[2 * 4096] == 0x33 ? "yes" : "no");
    void *f3 = mmap(f + 2 * 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE over a mapping: %s\n", f3 == MAP_FAILED ? errname(errno) : "succeeded");
    munmap(f, 4 * 4096);
    printf("mmap length 0: %s\n", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? errname(errno) : "ok");
    printf("mmap MAP_FIXED unaligned: %s\n", mmap((void *)0x10000001, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? errname(errno) : "ok");
    printf("mmap of a bad fd: %s\n", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED ? errname(errno) : "ok");
    unsigned char *big = mmap(NULL, 1024 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    printf("reserve 1 GiB PROT_NONE: %s, access %s\n", big == MAP_FAILED ? errname(errno) : "ok", access_of(big + 512 * MiB));
    rc = mprotect(big + 512 * MiB, 4096, PROT_READ | PROT_WRITE);
    printf("commit 1 page in its middle: %s\n", RES(rc));
    big[512 * MiB + 5] = 7;
    printf("access %s, value %d, next page %s\n", access_of(big + 512 * MiB), big[512 * MiB + 5], access_of(big + 512 * MiB + 4096));
    printf("munmap 1 GiB: %s\n", RES(munmap(big, 1024 * MiB)));
    void *hint = (void *)0xc000000000UL;   /* where Go asks for its heap */
    unsigned char *h = mmap(hint, 2 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap with a free hint: %s\n", h == hint ? "at the hint" : "elsewhere");
    munmap(h, 2 * MiB);
    return 0;
}
