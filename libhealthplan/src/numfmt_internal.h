/* Fast, exact number formatting for the writers (results, reasons, rules, notes).
 *
 * Each function gives exactly what the printf call named beside it gives (in the C locale),
 * or returns 0 when it cannot decide that cheaply; the caller then falls back to snprintf.
 * They exist because snprintf's floating-point path costs thousands of instructions a number
 * and a national results table prints millions of them (docs/performance.md). */
#ifndef HP_NUMFMT_INTERNAL_H
#define HP_NUMFMT_INTERNAL_H

#include <stddef.h>

/* The fewest decimals d ≤ maxdec (≤ 22) for which "%.{d}f" of v reads back exactly through
 * hp__parse_double: the loop of snprintf("%.*f", d, v) for d = 0, 1, … that stops at the first
 * exact one. out needs 32 bytes. Returns the length, or 0 (none with a mantissa below 2^53,
 * not finite). v = 0 gives "0" (also for −0). */
size_t hp__fmt_shortest(char *out, double v, int maxdec);

/* snprintf(out, 40, "%.*f", dec, v) for 0 ≤ dec ≤ 15 and |v| × 10^dec < 1e13, or 0. */
size_t hp__fmt_fixed(char *out, double v, int dec);

/* snprintf(out, 32, "%.*g", sig, v) for 1 ≤ sig ≤ 15 and 1e-4 ≤ |v| < 10^sig, or 0. */
size_t hp__fmt_g(char *out, double v, int sig);

/* A decimal integer; returns the length (out needs 24 bytes). */
size_t hp__fmt_int(char *out, long long v);

#endif
