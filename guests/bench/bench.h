/*
 * Shared interface of the emu benchmark cores.
 *
 * Each benchmark (alu_loop.c, crc32.c, ...) is freestanding C that does not
 * depend on the runtime (rt.c) or on libc, except for memcpy/memset/memmove/
 * memcmp, which come from mem.c in both builds.  The very same object file is
 * linked into the emu kernel (with kmain.c, rt.c, start.S) and into the hosted
 * Linux program build/bench/native (with native_main.c), so the checksums and
 * instruction counts measured natively are those of the guest.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

struct bench_desc {
	const char *name;
	const char *what;
	/* the long run (no iters= on the cmdline) and the short run */
	uint64_t default_iters, default_sum;
	uint64_t short_iters, short_sum;
	/* quick known-answer test; returns 1 if ok (NULL: none) */
	int (*selftest)(void);
	/* the benchmark; returns 1 if its internal checks passed */
	int (*run)(uint64_t iters, uint64_t *checksum);
};

extern const struct bench_desc bench_alu_loop, bench_crc32, bench_sha256,
	bench_sort, bench_memops;

/* Knuth's MMIX LCG; every benchmark derives its data from it. */
static inline uint64_t lcg_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s;
}

/* a 64-bit mixer for folding values into checksums */
static inline uint64_t mix64(uint64_t h, uint64_t v)
{
	h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
	return h;
}

/* mem.c */
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
