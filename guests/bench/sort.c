/*
 * sort: introsort (median-of-3 quicksort with a heapsort fallback, finished
 * by insertion sort) of 16384 uint32_t (64 KiB) from an LCG.  One iteration
 * = refill the array (every 4th iteration with many duplicate keys) and sort
 * it.  Each iteration checks sortedness and that the sort is a permutation
 * (sum and xor of the keys are unchanged).
 */
#include "bench.h"

/* Reference values, computed by build/bench/native (see README.md). */
#define SORT_DEFAULT_ITERS 115
#define SORT_DEFAULT_SUM 0x653ea2b19c8b70c3ULL
#define SORT_SHORT_ITERS 1
#define SORT_SHORT_SUM 0xa38ef6856a976e0aULL

#define SORT_N 16384
#define SORT_SMALL 16

static uint32_t sort_arr[SORT_N];

static void insertion_sort(uint32_t *a, long n)
{
	for (long i = 1; i < n; i++) {
		uint32_t v = a[i];
		long j = i;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

static void sift_down(uint32_t *a, long root, long n)
{
	uint32_t v = a[root];

	for (;;) {
		long c = 2 * root + 1;
		if (c >= n)
			break;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[c] <= v)
			break;
		a[root] = a[c];
		root = c;
	}
	a[root] = v;
}

static void heap_sort(uint32_t *a, long n)
{
	for (long i = n / 2 - 1; i >= 0; i--)
		sift_down(a, i, n);
	for (long i = n - 1; i > 0; i--) {
		uint32_t t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift_down(a, 0, i);
	}
}

static inline void swap32(uint32_t *x, uint32_t *y)
{
	uint32_t t = *x;
	*x = *y;
	*y = t;
}

static void intro_sort(uint32_t *a, long n, int depth)
{
	while (n > SORT_SMALL) {
		if (depth-- == 0) {
			heap_sort(a, n);
			return;
		}
		/* median of three into a[0] */
		long m = n / 2;
		if (a[m] < a[0])
			swap32(&a[m], &a[0]);
		if (a[n - 1] < a[0])
			swap32(&a[n - 1], &a[0]);
		if (a[n - 1] < a[m])
			swap32(&a[n - 1], &a[m]);
		swap32(&a[0], &a[m]);
		uint32_t p = a[0];
		/* Hoare partition */
		long i = 0, j = n;
		for (;;) {
			do
				i++;
			while (i < n && a[i] < p);
			do
				j--;
			while (a[j] > p);
			if (i >= j)
				break;
			swap32(&a[i], &a[j]);
		}
		swap32(&a[0], &a[j]);
		/* recurse on the smaller side, loop on the larger */
		long left = j, right = n - j - 1;
		if (left < right) {
			intro_sort(a, left, depth);
			a += j + 1;
			n = right;
		} else {
			intro_sort(a + j + 1, right, depth);
			n = left;
		}
	}
}

static void sort_u32(uint32_t *a, long n)
{
	int depth = 0;

	for (long k = n; k > 1; k >>= 1)
		depth += 2;
	intro_sort(a, n, depth);
	insertion_sort(a, n);
}

static int sort_selftest(void)
{
	uint32_t a[40], b[40];
	uint64_t s = 42;

	/* small arrays of every size up to 40, against plain insertion sort;
	   also force the heapsort path with depth 0 */
	for (long n = 0; n <= 40; n++) {
		for (long i = 0; i < n; i++)
			a[i] = b[i] = (uint32_t)(lcg_next(&s) >> 60);
		if (n & 1)
			sort_u32(a, n);
		else
			heap_sort(a, n);
		insertion_sort(b, n);
		for (long i = 0; i < n; i++)
			if (a[i] != b[i])
				return 0;
	}
	return 1;
}

static int sort_run(uint64_t iters, uint64_t *checksum)
{
	uint64_t seed = 0x0DDBA11CAFEF00DULL, h = 0;
	int ok = 1;

	for (uint64_t it = 0; it < iters; it++) {
		uint64_t sum = 0, x = 0;
		int dup = (it & 3) == 3;
		for (long i = 0; i < SORT_N; i++) {
			uint32_t v = (uint32_t)(lcg_next(&seed) >> 32);
			if (dup)
				v %= 1000;
			sort_arr[i] = v;
			sum += v;
			x ^= v;
		}
		sort_u32(sort_arr, SORT_N);
		uint64_t sum2 = 0, x2 = 0, w = 0;
		for (long i = 0; i < SORT_N; i++) {
			uint32_t v = sort_arr[i];
			if (i && sort_arr[i - 1] > v)
				ok = 0;
			sum2 += v;
			x2 ^= v;
			w += (uint64_t)v * (uint64_t)(i + 1);
		}
		if (sum2 != sum || x2 != x)
			ok = 0;
		h = mix64(h, w);
	}
	*checksum = h;
	return ok;
}

const struct bench_desc bench_sort = {
	.name = "sort",
	.what = "introsort + insertion sort of 16384 uint32 (64 KiB): compares, unpredictable branches, loads/stores, recursion",
	.default_iters = SORT_DEFAULT_ITERS,
	.default_sum = SORT_DEFAULT_SUM,
	.short_iters = SORT_SHORT_ITERS,
	.short_sum = SORT_SHORT_SUM,
	.selftest = sort_selftest,
	.run = sort_run,
};
