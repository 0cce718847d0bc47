/* bench_crc32: CRC-32 (IEEE 802.3, reflected, table-driven) of a 1 MiB pseudo-random buffer,
 * ITERATIONS times (argv[1], default 100: about 0.3 s natively); each round's CRC seeds the
 * next round's buffer change. Prints the final CRC. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SIZE (1 << 20)

static uint32_t table[256];

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 100;
    static uint8_t buf[SIZE];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t x = 2463534242u;
    for (int i = 0; i < SIZE; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
    uint32_t crc = crc32((const uint8_t *)"123456789", 9);
    printf("crc32(\"123456789\") = %08x\n", crc);
    for (long it = 0; it < iters; it++) {
        crc = crc32(buf, SIZE);
        buf[crc % SIZE] ^= (uint8_t)(crc >> 24);
    }
    printf("bench_crc32: %ld x 1 MiB, crc %08x\n", iters, crc);
    return 0;
}
