/* bench_qsort: sorts 20,000 pseudo-random 32-bit integers with libc qsort, ITERATIONS times
 * (argv[1], default 15: about 0.3 s natively), each round from a different seed, and prints a
 * checksum of the sorted arrays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 20000

static int cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 15;
    static uint32_t v[N];
    uint64_t sum = 0, seed = 88172645463325252ULL;
    int sorted = 1;
    for (long it = 0; it < iters; it++) {
        for (int i = 0; i < N; i++) {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
            v[i] = (uint32_t)(seed >> 16);
        }
        qsort(v, N, sizeof v[0], cmp);
        for (int i = 1; i < N; i++) sorted &= v[i - 1] <= v[i];
        for (int i = 0; i < N; i += 97) sum = sum * 1000003 + v[i];
    }
    printf("bench_qsort: %ld x %d integers, sorted %s, checksum %016llx\n", iters, N,
           sorted ? "yes" : "no", (unsigned long long)sum);
    return 0;
}
