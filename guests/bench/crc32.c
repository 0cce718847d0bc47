/*
 * crc32: table-driven CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320)
 * over a 64 KiB buffer filled by an LCG.  One iteration = one pass over the
 * buffer; between passes one byte of the buffer is changed, so every pass
 * hashes different data.
 */
#include "bench.h"

/* Reference values, computed by build/bench/native (see README.md). */
#define CRC_DEFAULT_ITERS 600
#define CRC_DEFAULT_SUM 0x187abf0bee7f5482ULL
#define CRC_SHORT_ITERS 5
#define CRC_SHORT_SUM 0x3d7ea59fde0c5297ULL

#define CRC_BUF 65536

static uint32_t crc_table[256];
static uint8_t crc_buf[CRC_BUF];

static void crc_make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

static int crc_selftest(void)
{
	static const char v[] = "123456789";

	crc_make_table();
	if (crc_update(0, (const uint8_t *)v, 9) != 0xCBF43926u)
		return 0;
	if (crc_update(0, (const uint8_t *)"", 0) != 0)
		return 0;
	/* incremental == one shot */
	uint32_t c = crc_update(0, (const uint8_t *)v, 4);
	return crc_update(c, (const uint8_t *)v + 4, 5) == 0xCBF43926u;
}

static int crc_run(uint64_t iters, uint64_t *checksum)
{
	uint64_t seed = 0x00C0FFEE12345678ULL, h = 0;
	uint32_t crc = 0;

	crc_make_table();
	for (size_t i = 0; i < CRC_BUF; i += 8) {
		uint64_t r = lcg_next(&seed);
		for (int k = 0; k < 8; k++)
			crc_buf[i + k] = (uint8_t)(r >> (8 * k + 3));
	}
	for (uint64_t it = 0; it < iters; it++) {
		crc = crc_update(crc, crc_buf, CRC_BUF);
		h = mix64(h, crc);
		crc_buf[(crc >> 3) & (CRC_BUF - 1)] ^= (uint8_t)(crc | 1);
	}
	*checksum = h ^ ((uint64_t)crc << 32);
	return 1;
}

const struct bench_desc bench_crc32 = {
	.name = "crc32",
	.what = "table-driven CRC-32 (0xEDB88320) over a 64 KiB LCG-filled buffer: byte loads, table lookups, shifts, xors",
	.default_iters = CRC_DEFAULT_ITERS,
	.default_sum = CRC_DEFAULT_SUM,
	.short_iters = CRC_SHORT_ITERS,
	.short_sum = CRC_SHORT_SUM,
	.selftest = crc_selftest,
	.run = crc_run,
};
