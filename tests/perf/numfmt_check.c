/* The fast number formatting of src/numfmt.c against snprintf and the loops it replaces:
 * millions of values of every shape (random bits, short decimals, ratios, rates, ties), each
 * formatted both ways; any difference fails. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common_internal.h"
#include "numfmt_internal.h"

static uint64_t state = 88172645463325252ULL;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}
static double unif(void) { return (double)(next() >> 11) * 0x1.0p-53; }

/* snprintf("%.*f", d) for d = 0, 1, … until it reads back (hp__format_double's loop). */
static int slow_shortest(char *out, double v, int maxdec)
{
    double back;
    size_t used;
    for (int d = 0; d <= maxdec; d++) {
        snprintf(out, 64, "%.*f", d, v);
        if (hp__parse_double(out, strlen(out), &back, &used) == HP_OK && back == v)
            return 1;
    }
    return 0;
}

static double pick(int kind)
{
    double m = pow(10, (int)(unif() * 20) - 6);
    switch (kind) {
    case 0: {
        double x;
        uint64_t b = next();
        memcpy(&x, &b, sizeof x);
        return x;
    }
    case 1: return round(unif() * 100000) / pow(10, (int)(unif() * 6)) * ((next() & 1) ? -1 : 1);
    case 2: return unif() * m * ((next() & 1) ? -1 : 1);
    case 3: return (round(unif() * 10000) / 100) / (round(unif() * 10000) / 100 + 0.01);
    case 4: return pow(1 + unif() * 0.1, 1.0 / (1 + (int)(unif() * 20))) - 1;
    case 5: return (int)(unif() * 2000) * 0.5 * pow(10, -(int)(unif() * 6)); /* ties */
    default: return round(unif() * 1e6) / 1e6 * m;
    }
}

int main(void)
{
    long n = 0, bad = 0;
    for (long i = 0; i < 1000000; i++) {
        double v = pick((int)(i % 7));
        if (!isfinite(v))
            continue;
        n++;
        char a[64], b[64];
        if (hp__fmt_shortest(a, v, 17) && v != 0 && (!slow_shortest(b, v, 17) || strcmp(a, b)))
            if (bad++ < 10)
                printf("shortest %.17g: %s, snprintf loop %s\n", v, a, b);
        for (int dec = 0; dec <= 6; dec++)
            if (hp__fmt_fixed(a, v, dec)) {
                snprintf(b, sizeof b, "%.*f", dec, v);
                if (strcmp(a, b) && bad++ < 10)
                    printf("%%.%df %.17g: %s, snprintf %s\n", dec, v, a, b);
            }
        for (int sig = 6; sig <= 12; sig += 6)
            if (hp__fmt_g(a, v, sig)) {
                snprintf(b, sizeof b, "%.*g", sig, v);
                if (strcmp(a, b) && bad++ < 10)
                    printf("%%.%dg %.17g: %s, snprintf %s\n", sig, v, a, b);
            }
    }
    long long ints[] = {0, 1, -1, 2024, -9223372036854775807LL - 1, 9223372036854775807LL};
    for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
        char a[32], b[32];
        hp__fmt_int(a, ints[k]);
        snprintf(b, sizeof b, "%lld", ints[k]);
        if (strcmp(a, b) && bad++ < 10)
            printf("int %s, snprintf %s\n", a, b);
    }
    printf("numfmt: %ld values, %ld differences from snprintf\n", n, bad);
    return bad != 0;
}
