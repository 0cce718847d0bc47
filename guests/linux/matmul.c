/* matmul: the thesis's matrix multiplication (Listing 9.2: two 3x3 matrices of uint32_t on the
 * heap holding 0, 1, 2, ..., their product printed row by row), then a fixed-size double
 * precision product C = A x B of 160x160 matrices, ITERATIONS times (argv[1], default 80: about 0.3 s natively),
 * each round feeding C back into A, with a checksum of the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DIM 3
#define N 160

int main(int argc, char **argv)
{
    /* the thesis's program */
    uint32_t *m1 = malloc(sizeof(uint32_t) * DIM * DIM);
    uint32_t *m2 = malloc(sizeof(uint32_t) * DIM * DIM);
    uint32_t *res = malloc(sizeof(uint32_t) * DIM * DIM);
    for (uint32_t i = 0; i < DIM * DIM; i++) m1[i] = m2[i] = i;
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            uint32_t s = 0;
            for (int k = 0; k < DIM; k++) s += m1[i * DIM + k] * m2[k * DIM + j];
            res[i * DIM + j] = s;
        }
    printf("[\n");
    for (int i = 0; i < DIM; i++) {
        printf("  [");
        for (int j = 0; j < DIM; j++) printf("%u,", res[i * DIM + j]);
        printf("]\n");
    }
    printf("]\n");
    free(m1);
    free(m2);
    free(res);

    /* doubles */
    long iters = argc > 1 ? atol(argv[1]) : 80;
    double (*a)[N] = malloc(sizeof(double[N][N]));
    double (*b)[N] = malloc(sizeof(double[N][N]));
    double (*c)[N] = malloc(sizeof(double[N][N]));
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
            b[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.25;
        }
    for (long it = 0; it < iters; it++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) c[i][j] = 0.0;
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = a[i][k];
                for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
            }
        /* keep the values bounded: the next A is C scaled to a maximum magnitude of 1 */
        double mx = 0.0;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) mx = c[i][j] > mx ? c[i][j] : -c[i][j] > mx ? -c[i][j] : mx;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) a[i][j] = c[i][j] / mx;
    }
    double sum = 0.0, trace = 0.0;
    for (int i = 0; i < N; i++) {
        trace += c[i][i];
        for (int j = 0; j < N; j++) sum += c[i][j] * (double)((i + j) % 5 + 1);
    }
    printf("matmul: %ld x %dx%d doubles, weighted sum %.17g, trace %.17g, c[17][42] %a\n",
           iters, N, N, sum, trace, c[17][42]);
    free(a);
    free(b);
    free(c);
    return 0;
}
