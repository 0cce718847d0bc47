/*
 * memops: memcpy/memset/memmove-heavy loop.  The runtime's memcpy/memset/
 * memmove (mem.c) use rep movsb / rep stosb (memmove also the backward,
 * DF=1 form), called with many sizes and alignments; in addition a plain C
 * 64-bit word copy loop and a byte compare loop.  One iteration = one round
 * over two 64 KiB buffers.
 *
 * Instruction counts depend on how rep iterations are counted: the numbers
 * in README.md come from callgrind, which counts each iteration of a rep
 * instruction as one instruction.
 */
#include "bench.h"

/* Reference values, computed by build/bench/native (see README.md). */
#define MEM_DEFAULT_ITERS 1600
#define MEM_DEFAULT_SUM 0x21b95e4727e484a2ULL
#define MEM_SHORT_ITERS 15
#define MEM_SHORT_SUM 0x7a122e31b0edb0c0ULL

#define MEM_BUF 65536

static uint8_t mem_src[MEM_BUF] __attribute__((aligned(64)));
static uint8_t mem_dst[MEM_BUF] __attribute__((aligned(64)));

typedef uint64_t __attribute__((may_alias)) u64a;

/* fold 64 bytes spread over the buffer */
static uint64_t sample(const uint8_t *p, uint64_t h)
{
	for (size_t i = 0; i < MEM_BUF; i += MEM_BUF / 64)
		h = mix64(h, p[i] | (uint64_t)p[i + 1] << 8);
	return h;
}

/* hash every word of the buffer */
static uint64_t hash_all(const uint8_t *p, uint64_t h)
{
	const u64a *w = (const u64a *)p;

	for (size_t i = 0; i < MEM_BUF / 8; i++)
		h = (h ^ w[i]) * 0x100000001B3ULL;
	return h;
}

/* word-at-a-time copy written in C (no rep) */
static void word_copy(u64a *d, const u64a *s, size_t nwords)
{
	for (size_t i = 0; i < nwords; i += 4) {
		uint64_t a = s[i], b = s[i + 1], c = s[i + 2], e = s[i + 3];
		d[i] = a;
		d[i + 1] = b;
		d[i + 2] = c;
		d[i + 3] = e;
	}
}

static int mem_selftest(void)
{
	uint8_t a[64], b[64];

	for (int i = 0; i < 64; i++)
		a[i] = (uint8_t)i;
	memmove(a + 3, a, 40); /* overlapping, backwards */
	for (int i = 0; i < 40; i++)
		if (a[i + 3] != i)
			return 0;
	for (int i = 0; i < 64; i++)
		a[i] = (uint8_t)i;
	memmove(a, a + 5, 40); /* overlapping, forwards */
	for (int i = 0; i < 40; i++)
		if (a[i] != i + 5)
			return 0;
	memset(b, 0xA5, 64);
	memcpy(b + 1, a, 10);
	if (b[0] != 0xA5 || b[11] != 0xA5 || memcmp(b + 1, a, 10))
		return 0;
	return 1;
}

static int mem_run(uint64_t iters, uint64_t *checksum)
{
	uint64_t seed = 0xFEEDFACE01234567ULL, h = 0;
	int ok = 1;

	for (size_t i = 0; i < MEM_BUF; i += 8) {
		uint64_t r = lcg_next(&seed);
		memcpy(&mem_src[i], &r, 8);
	}
	for (uint64_t it = 0; it < iters; it++) {
		uint64_t r = lcg_next(&seed);
		/* big memset, then many small copies of varying size and
		   alignment */
		memset(mem_dst, (int)(r & 0xFF), MEM_BUF);
		size_t off = 0;
		for (int k = 0; k < 64; k++) {
			size_t len = (size_t)((r >> (k & 31)) & 255) + 1;
			size_t so = (size_t)((r >> 7) + 131 * (size_t)k) & (MEM_BUF / 2 - 1);
			memcpy(mem_dst + off, mem_src + so, len);
			off = (off + len + 13) & (MEM_BUF / 2 - 1);
		}
		/* one big unaligned copy, then an overlapping move each way */
		memcpy(mem_dst + MEM_BUF / 2 + 1, mem_src + 3, MEM_BUF / 4);
		memmove(mem_dst + 64, mem_dst + 17, MEM_BUF / 8);
		memmove(mem_dst + 1000, mem_dst + 900, MEM_BUF / 8);
		h = hash_all(mem_dst, h);
		/* C word copy back into the source, then compare */
		word_copy((u64a *)mem_src + (it & 7), (const u64a *)mem_dst,
			  MEM_BUF / 16);
		if (memcmp(mem_src + 8 * (it & 7), mem_dst, 4096))
			ok = 0;
		h = sample(mem_src, h);
	}
	*checksum = h;
	return ok;
}

const struct bench_desc bench_memops = {
	.name = "memops",
	.what = "memcpy/memset/memmove via rep movsb/stosb (incl. backward DF=1 moves), a C word-copy loop and memcmp over 64 KiB buffers",
	.default_iters = MEM_DEFAULT_ITERS,
	.default_sum = MEM_DEFAULT_SUM,
	.short_iters = MEM_SHORT_ITERS,
	.short_sum = MEM_SHORT_SUM,
	.selftest = mem_selftest,
	.run = mem_run,
};
