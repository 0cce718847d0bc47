/*
 * Hosted Linux driver for the benchmark cores: the same object files as in
 * the emu kernels, run natively to compute reference checksums and (under
 * valgrind --tool=callgrind) instruction counts.
 *
 *   native                 self-tests, then the short and default runs of
 *                          every benchmark, compared with the references
 *                          compiled into the kernels
 *   native NAME [ITERS]    self-test and one run (ITERS default: the long
 *                          run); measure with
 *       valgrind --tool=callgrind --toggle-collect=bench_measure native NAME ITERS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const struct bench_desc *const benches[] = {
	&bench_alu_loop, &bench_crc32, &bench_sha256, &bench_sort, &bench_memops,
};
#define NBENCH (sizeof(benches) / sizeof(benches[0]))

/* what the kernel executes: self-test + run */
__attribute__((noinline)) int bench_measure(const struct bench_desc *b,
					    uint64_t iters, uint64_t *sum)
{
	if (b->selftest && !b->selftest())
		return -1;
	return b->run(iters, sum);
}

static int run_one(const struct bench_desc *b, uint64_t iters, int check)
{
	uint64_t sum = 0;
	int r = bench_measure(b, iters, &sum);

	if (r < 0) {
		printf("%s: FAIL self-test\n", b->name);
		return 0;
	}
	printf("%-8s iters=%-8llu checksum 0x%016llx", b->name,
	       (unsigned long long)iters, (unsigned long long)sum);
	if (!r) {
		printf(" FAIL internal check\n");
		return 0;
	}
	uint64_t want = iters == b->default_iters ? b->default_sum :
			iters == b->short_iters	  ? b->short_sum :
						    0;
	if (!check || (iters != b->default_iters && iters != b->short_iters)) {
		printf("\n");
		return 1;
	}
	if (sum != want) {
		printf(" MISMATCH (kernel expects 0x%016llx)\n",
		       (unsigned long long)want);
		return 0;
	}
	printf(" ok\n");
	return 1;
}

int main(int argc, char **argv)
{
	int good = 1;

	if (argc >= 2) {
		for (size_t i = 0; i < NBENCH; i++) {
			const struct bench_desc *b = benches[i];
			if (strcmp(argv[1], b->name))
				continue;
			uint64_t iters = argc >= 3 ? strtoull(argv[2], 0, 0) :
						     b->default_iters;
			return run_one(b, iters, 1) ? 0 : 1;
		}
		fprintf(stderr, "usage: %s [NAME [ITERS]]; names:", argv[0]);
		for (size_t i = 0; i < NBENCH; i++)
			fprintf(stderr, " %s", benches[i]->name);
		fprintf(stderr, "\n");
		return 2;
	}
	for (size_t i = 0; i < NBENCH; i++) {
		good &= run_one(benches[i], benches[i]->short_iters, 1);
		good &= run_one(benches[i], benches[i]->default_iters, 1);
	}
	return good ? 0 : 1;
}
