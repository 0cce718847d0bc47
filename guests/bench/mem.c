/*
 * memcpy/memset/memmove/memcmp for the benchmark kernels (gcc may emit calls
 * to them even in freestanding code).  Also linked into the native build so
 * that native instruction counts match the guest's.  The bulk operations use
 * the x86 string instructions (rep movsb / rep stosb), as Linux does on ERMS
 * CPUs; note that tools count each iteration of a rep instruction
 * differently (callgrind counts every iteration as one instruction).
 *
 * Built with -fno-tree-loop-distribute-patterns so gcc does not turn the
 * byte loops below back into calls to these functions.
 */
#include "bench.h"

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	void *ret = d;
	__asm__ volatile("rep movsb"
			 : "+D"(d), "+S"(s), "+c"(n)
			 :
			 : "memory");
	return ret;
}

void *memset(void *d, int c, size_t n)
{
	void *ret = d;
	__asm__ volatile("rep stosb"
			 : "+D"(d), "+c"(n)
			 : "a"(c)
			 : "memory");
	return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp == sp || n == 0)
		return d;
	if (dp < sp || dp >= sp + n)
		return memcpy(d, s, n);
	/* overlapping with d above s: copy backwards (DF=1) */
	dp += n - 1;
	sp += n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld"
			 : "+D"(dp), "+S"(sp), "+c"(n)
			 :
			 : "memory", "cc");
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
