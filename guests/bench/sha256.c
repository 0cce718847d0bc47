/*
 * sha256: SHA-256 (FIPS 180-4) of a 4093-byte LCG-filled buffer (63 full
 * blocks plus padding).  One iteration = one hash of the buffer; the digest
 * is written back into the buffer so each iteration depends on the last.
 * Self-test: the FIPS 180-2 vectors "abc", "" and the 448-bit message.
 */
#include "bench.h"

/* Reference values, computed by build/bench/native (see README.md). */
#define SHA_DEFAULT_ITERS 1000
#define SHA_DEFAULT_SUM 0xccfe30f0e88f1669ULL
#define SHA_SHORT_ITERS 10
#define SHA_SHORT_SUM 0x94ca6d1b0210c01bULL

#define SHA_BUF 4093

struct sha256_ctx {
	uint32_t h[8];
	uint64_t len; /* bytes */
	uint8_t blk[64];
	uint32_t fill;
};

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
	uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + S1 + ch + sha_k[i] + w[i];
		uint32_t S0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = S0 + maj;
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

static void sha256_init(struct sha256_ctx *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	for (int i = 0; i < 8; i++)
		c->h[i] = iv[i];
	c->len = 0;
	c->fill = 0;
}

static void sha256_update(struct sha256_ctx *c, const uint8_t *p, size_t n)
{
	c->len += n;
	if (c->fill) {
		while (n && c->fill < 64) {
			c->blk[c->fill++] = *p++;
			n--;
		}
		if (c->fill < 64)
			return;
		sha256_block(c->h, c->blk);
		c->fill = 0;
	}
	for (; n >= 64; n -= 64, p += 64)
		sha256_block(c->h, p);
	if (n) {
		memcpy(c->blk, p, n);
		c->fill = (uint32_t)n;
	}
}

static void sha256_final(struct sha256_ctx *c, uint8_t out[32])
{
	uint64_t bits = c->len * 8;

	c->blk[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->blk + c->fill, 0, 64 - c->fill);
		sha256_block(c->h, c->blk);
		c->fill = 0;
	}
	memset(c->blk + c->fill, 0, 56 - c->fill);
	for (int i = 0; i < 8; i++)
		c->blk[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_block(c->h, c->blk);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

static void sha256(const void *p, size_t n, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, out);
}

static int sha_selftest(void)
{
	static const uint8_t abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static const uint8_t empty[32] = {
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
		0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
		0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
	};
	static const uint8_t two[32] = {
		0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26,
		0x93, 0x0c, 0x3e, 0x60, 0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff,
		0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1,
	};
	static const char msg2[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[32];

	sha256("abc", 3, d);
	if (memcmp(d, abc, 32))
		return 0;
	sha256("", 0, d);
	if (memcmp(d, empty, 32))
		return 0;
	sha256(msg2, 56, d);
	if (memcmp(d, two, 32))
		return 0;
	/* the same message fed in odd pieces */
	struct sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, (const uint8_t *)msg2, 5);
	sha256_update(&c, (const uint8_t *)msg2 + 5, 50);
	sha256_update(&c, (const uint8_t *)msg2 + 55, 1);
	sha256_final(&c, d);
	return memcmp(d, two, 32) == 0;
}

static uint8_t sha_buf[SHA_BUF];

static int sha_run(uint64_t iters, uint64_t *checksum)
{
	uint64_t seed = 0x5EED5EED0BADF00DULL, h = 0;
	uint8_t d[32] = { 0 };

	for (size_t i = 0; i < SHA_BUF; i++)
		sha_buf[i] = (uint8_t)(lcg_next(&seed) >> 33);
	for (uint64_t it = 0; it < iters; it++) {
		sha256(sha_buf, SHA_BUF, d);
		memcpy(sha_buf + (it * 32) % (SHA_BUF - 32), d, 32);
	}
	for (int i = 0; i < 32; i += 8) {
		uint64_t v = 0;
		for (int k = 0; k < 8; k++)
			v = v << 8 | d[i + k];
		h = mix64(h, v);
	}
	*checksum = h;
	return 1;
}

const struct bench_desc bench_sha256 = {
	.name = "sha256",
	.what = "SHA-256 of a 4093-byte buffer: 32-bit rotates, adds, logic ops, message schedule loads/stores",
	.default_iters = SHA_DEFAULT_ITERS,
	.default_sum = SHA_DEFAULT_SUM,
	.short_iters = SHA_SHORT_ITERS,
	.short_sum = SHA_SHORT_SUM,
	.selftest = sha_selftest,
	.run = sha_run,
};
