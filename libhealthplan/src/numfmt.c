/* Fast, exact number formatting (numfmt_internal.h).
 *
 * Two ideas make printf's answer cheap to reproduce:
 *  - a value that some short decimal x / 10^d reads back to is found by rounding v × 10^d to
 *    an integer: for x < 2^53 the product is within two ulps of x, so the rounding finds x
 *    whenever it exists, and x / 10^d == v is exactly the test hp__parse_double would make;
 *  - any other value is rounded to the digits printf keeps with a 64-bit long double product,
 *    whose error (a few 1e-8 of a unit in the last kept digit at most here) can only matter
 *    when the discarded part is within that distance of one half: then we give up and the
 *    caller asks snprintf, which rounds the exact binary value.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "numfmt_internal.h"

static const double P10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define TWO53 9007199254740992.0

/* Whether long double has the 64-bit mantissa the rounding argument needs. */
#if LDBL_MANT_DIG >= 64
#define HAVE_WIDE 1
#else
#define HAVE_WIDE 0
#endif

size_t hp__fmt_int(char *out, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    size_t k = 0;
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = '\0';
    return k;
}

/* m as a fixed-point number with dec decimals, as printf prints it (sign kept for −0.00). */
static const char PAIRS[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                            "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                            "8081828384858687888990919293949596979899";

static size_t put_fixed(char *out, int neg, uint64_t m, int dec)
{
    /* digits written backwards into buf, two a division, then copied out once */
    char buf[48], *end = buf + sizeof buf, *p = end;
    int k = 0;
    for (; k + 2 <= dec; k += 2) {
        unsigned r = (unsigned)(m % 100);
        m /= 100;
        p -= 2;
        memcpy(p, PAIRS + 2 * r, 2);
    }
    if (k < dec) {
        *--p = (char)('0' + (int)(m % 10));
        m /= 10;
    }
    if (dec > 0)
        *--p = '.';
    while (m >= 100) {
        unsigned r = (unsigned)(m % 100);
        m /= 100;
        p -= 2;
        memcpy(p, PAIRS + 2 * r, 2);
    }
    if (m >= 10) {
        p -= 2;
        memcpy(p, PAIRS + 2 * m, 2);
    } else {
        *--p = (char)('0' + (int)m);
    }
    if (neg)
        *--p = '-';
    size_t n = (size_t)(end - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

/* The fewest decimals d ≤ maxdec with v == x / 10^d, x = |v| × 10^d rounded; -1 if none. */
static int shortest(double a, int maxdec, uint64_t *mant)
{
    if (maxdec > 22)
        maxdec = 22;
    for (int d = 0; d <= maxdec; d++) {
        double x = nearbyint(a * P10[d]);
        if (x >= TWO53)
            return -1;
        if (x / P10[d] == a) {
            *mant = (uint64_t)x;
            return d;
        }
    }
    return -1;
}

size_t hp__fmt_shortest(char *out, double v, int maxdec)
{
    if (!isfinite(v))
        return 0;
    if (v == 0) {
        out[0] = '0';
        out[1] = '\0';
        return 1;
    }
    uint64_t x;
    int d = shortest(fabs(v), maxdec, &x);
    return d < 0 ? 0 : put_fixed(out, signbit(v) != 0, x, d);
}

size_t hp__fmt_fixed(char *out, double v, int dec)
{
    if (!isfinite(v) || dec < 0 || dec > 15)
        return 0;
    double a = fabs(v);
    if (!(a * P10[dec] < 1e13))
        return 0; /* beyond this, v's own ulp shows in the digits or the product's error may */
    int neg = signbit(v) != 0;
#if HAVE_WIDE
    long double s = (long double)a * (long double)P10[dec]; /* < 1e13: error < 1e-6 */
    long double fl = floorl(s), frac = s - fl;
    if (fabsl(frac - 0.5L) >= 1e-5L)
        return put_fixed(out, neg, (uint64_t)fl + (frac > 0.5L), dec);
#endif
    /* near a tie (or no wide type): exact when v is a short decimal, padded with zeros, since
     * v is then that decimal to within half an ulp */
    uint64_t x;
    int d = shortest(a, dec, &x);
    if (d < 0)
        return 0;
    for (; d < dec; d++)
        x *= 10;
    return put_fixed(out, neg, x, dec);
}

/* The number of decimal digits of m (m > 0). */
static int ndigits(uint64_t m)
{
    int n = 0;
    do {
        n++;
        m /= 10;
    } while (m);
    return n;
}

/* Remove trailing zeros after a decimal point (and the point itself), as %g does. */
static size_t strip_zeros(char *out, size_t k)
{
    if (!memchr(out, '.', k))
        return k;
    while (k && out[k - 1] == '0')
        k--;
    if (k && out[k - 1] == '.')
        k--;
    out[k] = '\0';
    return k;
}

size_t hp__fmt_g(char *out, double v, int sig)
{
    if (!isfinite(v) || sig < 1 || sig > 15)
        return 0;
    double a = fabs(v);
    if (!(a >= 1e-4) || a >= P10[sig])
        return 0;
    int neg = signbit(v) != 0;
#if HAVE_WIDE
    /* the exponent e of a (10^e ≤ a < 10^(e+1)) from the binary one, corrected below; then
     * sig digits: a × 10^(sig−1−e) rounded */
    int e = (int)floor((double)ilogb(a) * 0.30102999566398120);
    for (int tries = 0; tries < 4 && sig <= 12; tries++) { /* s < 1e12: error < 1e-7 */
        int k = sig - 1 - e; /* in [0, sig + 3] for the range above */
        if (k < 0 || k > 22)
            break;
        long double s = (long double)a * (long double)P10[k];
        long double lo = (long double)P10[sig - 1], hi = (long double)P10[sig];
        if (s < lo) {
            e--;
            continue;
        }
        if (s >= hi) {
            e++;
            continue;
        }
        long double fl = floorl(s), frac = s - fl;
        if (fabsl(frac - 0.5L) < 1e-5L)
            break; /* near a tie: try the exact short decimal below */
        uint64_t m = (uint64_t)fl + (frac > 0.5L);
        if ((long double)m >= hi) { /* 9.99…95 rounds up to 10.0… */
            m /= 10;
            e++;
            k--;
        }
        if (e >= sig || e < -4 || k < 0)
            return 0; /* %g would use an exponent */
        size_t n = put_fixed(out, neg, m, k);
        return strip_zeros(out, n);
    }
#endif
    uint64_t x;
    int d = shortest(a, 17, &x);
    if (d >= 0 && ndigits(x) <= sig) {
        /* %g keeps at most sig digits, fixed notation here, trailing zeros dropped: the
         * shortest decimal is exactly that (it has no trailing zeros after the point) */
        return put_fixed(out, neg, x, d);
    }
    return 0;
}
