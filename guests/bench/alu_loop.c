/*
 * alu_loop: a tight integer loop over a 16 KiB array: adds, xors, shifts,
 * rotates, 64-bit multiplies, array loads and stores, and a data-dependent
 * (unpredictable) branch.  One iteration = one pass of ALU_N steps.
 */
#include "bench.h"

/* Reference values, computed by build/bench/native (see README.md). */
#define ALU_DEFAULT_ITERS 6000
#define ALU_DEFAULT_SUM 0x61727a17ad2e6f31ULL
#define ALU_SHORT_ITERS 60
#define ALU_SHORT_SUM 0x7a00c86ae6db0d06ULL

#define ALU_N 2048 /* uint64_t elements: 16 KiB */

static uint64_t alu_arr[ALU_N];

static int alu_run(uint64_t iters, uint64_t *checksum)
{
	uint64_t seed = 0xA1B2C3D4E5F60718ULL;
	uint64_t acc = 0x0123456789ABCDEFULL, odd = 0;

	for (int i = 0; i < ALU_N; i++)
		alu_arr[i] = lcg_next(&seed);

	for (uint64_t it = 0; it < iters; it++) {
		uint64_t j = it * 0x9E37u;
		for (uint32_t i = 0; i < ALU_N; i++) {
			uint64_t x = alu_arr[i];
			acc += x ^ (acc >> 17);
			acc *= 0x2545F4914F6CDD1DULL;
			acc ^= acc << 13;
			/* data-dependent branch: each arm stores, so gcc keeps
			   a real conditional jump */
			if ((x ^ acc) & 0x40) {
				alu_arr[(j + acc) & (ALU_N - 1)] = x + i;
				odd++;
			} else {
				acc = (acc << 7) | (acc >> 57);
				acc -= x;
			}
			alu_arr[i] = x ^ (acc >> 3);
			j += 7;
		}
	}
	uint64_t h = acc ^ (odd << 32);
	for (int i = 0; i < ALU_N; i++)
		h = mix64(h, alu_arr[i]);
	*checksum = h;
	return 1;
}

const struct bench_desc bench_alu_loop = {
	.name = "alu_loop",
	.what = "integer ALU/mul/shift loop with loads, stores and an unpredictable branch over a 16 KiB array",
	.default_iters = ALU_DEFAULT_ITERS,
	.default_sum = ALU_DEFAULT_SUM,
	.short_iters = ALU_SHORT_ITERS,
	.short_sum = ALU_SHORT_SUM,
	.selftest = 0,
	.run = alu_run,
};
