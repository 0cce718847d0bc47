/* floats: printf of doubles and floats with %f %e %g %a (musl formats through long double, so
 * this runs on the x87), denormals, infinities and NaN, long double arithmetic through the x87,
 * float/double arithmetic through SSE, and strtod/strtof round trips. All output is exact:
 * IEEE 754 fixes every result printed. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *name, double d)
{
    printf("%-12s %%f=%f %%.17e=%.17e %%g=%g %%.17g=%.17g %%a=%a\n", name, d, d, d, d, d);
}

int main(void)
{
    volatile double one = 1.0, three = 3.0, tenth = 0.1;
    double vals[] = {
        0.0, -0.0, 1.0, -1.5, one / three, tenth + 0.2, 1e300 * 10.0, 123456789.125,
        DBL_MAX, DBL_MIN, DBL_MIN / 4.0, 4.9406564584124654e-324, DBL_EPSILON, M_PI, M_E, 2.5e-5,
        1e21, 1e22, 9007199254740993.0, 0.5, 1.0 / 1024,
    };
    const char *names[] = {
        "zero", "-zero", "one", "-1.5", "1/3", "0.1+0.2", "1e301", "123456789.125",
        "DBL_MAX", "DBL_MIN", "DBL_MIN/4", "denorm_min", "DBL_EPSILON", "pi", "e", "2.5e-5",
        "1e21", "1e22", "2^53+1", "0.5", "1/1024",
    };
    for (unsigned i = 0; i < sizeof vals / sizeof *vals; i++) show(names[i], vals[i]);

    volatile double z = 0.0;
    double inf = 1.0 / z, nan_ = z / z;
    printf("inf: %f %e %g %a | -inf: %f | nan: %f %e (signbit of 0/0 is %d on x86)\n",
           inf, inf, inf, inf, -inf, fabs(nan_), fabs(nan_), signbit(nan_) ? 1 : 0);
    printf("widths: [%10.3f] [%-10.2e] [%+g] [% g] [%#g] [%#.0f] [%010.4f] [%.0e] [%.30f]\n",
           3.14159, 2.71828, 1.0, 2.0, 3.0, 4.0, -5.5, 12345.0, one / three);
    printf("rounding to even: %.0f %.0f %.0f %.0f %.1f %.2f\n", 0.5, 1.5, 2.5, -2.5, 0.25, 1.005);

    /* floats (SSE single precision) */
    volatile float f1 = 1.0f, f3 = 3.0f;
    float fv[] = { f1 / f3, FLT_MAX, FLT_MIN, FLT_MIN / 8.0f, 1.4e-45f, 16777217.0f, 0.1f };
    const char *fn[] = { "1/3f", "FLT_MAX", "FLT_MIN", "FLT_MIN/8", "denorm_minf", "2^24+1", "0.1f" };
    for (unsigned i = 0; i < sizeof fv / sizeof *fv; i++) {
        uint32_t bits;
        memcpy(&bits, &fv[i], 4);
        printf("%-12s bits=%08x %%.9g=%.9g %%a=%a\n", fn[i], bits, fv[i], fv[i]);
    }
    float acc = 0.0f;
    for (int i = 1; i <= 1000; i++) acc += f1 / (float)i;
    printf("float harmonic(1000) = %.9g\n", acc);
    double dacc = 0.0;
    for (int i = 1; i <= 100000; i++) dacc += one / ((double)i * i);
    printf("double sum 1/i^2 (1e5 terms) = %.17g\n", dacc);
    printf("sqrt(2) = %.17g, sqrtf(2) = %.9g\n", sqrt(2.0 * one), sqrtf(2.0f * f1));
    printf("fma-free 0.1*3 = %.17g, (float)(double)0.1 = %.9g\n", tenth * 3, (float)tenth);

    /* long double on the x87 (64-bit mantissa) */
    volatile long double l1 = 1.0L, l3 = 3.0L;
    long double lv[] = { l1 / l3, LDBL_MAX, LDBL_MIN, LDBL_MIN / 1024, LDBL_EPSILON,
                         3.14159265358979323846264338327950288L, (long double)one / three };
    const char *ln[] = { "1/3L", "LDBL_MAX", "LDBL_MIN", "LDBL_MIN/1024", "LDBL_EPSILON",
                         "piL", "(L)(1/3)" };
    for (unsigned i = 0; i < sizeof lv / sizeof *lv; i++)
        printf("%-12s %%.21Lg=%.21Lg %%La=%La %%.25Le=%.25Le\n", ln[i], lv[i], lv[i], lv[i]);
    long double lacc = 0.0L;
    for (int i = 1; i <= 1000; i++) lacc += l1 / ((long double)i * i);
    printf("long double sum 1/i^2 (1000 terms) = %.21Lg\n", lacc);
    long double big = 1e4000L;
    printf("1e4000L = %Le, 1e-4000L = %Le\n", big, 1e-4000L);
    printf("2^64 as long double = %.0Lf\n", 18446744073709551616.0L);

    /* strtod / strtof round trips: %.17g must read back bit-identical */
    const char *inputs[] = {
        "0.1", "1e-320", "2.2250738585072011e-308", "1.7976931348623157e308", "1e309", "-0",
        "0x1.fffffffffffffp+1023", "4.9e-324", "2.4703282292062327e-324", "123.456e-7",
        "  42abc", "nan", "-inf", "1e-400", "0x1p-1074", "9007199254740993",
    };
    int rt_ok = 0, rt_n = 0;
    for (unsigned i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        char *end;
        double d = strtod(inputs[i], &end);
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        int same = memcmp(&d, &back, sizeof d) == 0 || (isnan(d) && isnan(back));
        rt_ok += same;
        rt_n++;
        uint64_t bits;
        memcpy(&bits, &d, 8);
        printf("strtod(\"%s\") = %s bits=%016llx consumed=%d round trip %s\n", inputs[i], buf,
               isnan(d) ? 0x7ff8000000000000ULL : (unsigned long long)bits, (int)(end - inputs[i]),
               same ? "ok" : "DIFFERS");
    }
    for (int i = 0; i < 2000; i++) {
        uint64_t bits = 0x9E3779B97F4A7C15ULL * (i + 1);
        bits ^= bits >> 29;
        double d;
        memcpy(&d, &bits, 8);
        if (isnan(d)) continue;
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        rt_ok += memcmp(&d, &back, 8) == 0;
        rt_n++;
    }
    float ff = strtof("1.00000017881393432617187499", NULL);  /* just below a halfway point */
    uint32_t fbits;
    memcpy(&fbits, &ff, 4);
    printf("strtof near-halfway case bits=%08x\n", fbits);
    printf("strtold(\"0.1\") = %La\n", strtold("0.1", NULL));
    printf("round trips: %d of %d\n", rt_ok, rt_n);
    return 0;
}
