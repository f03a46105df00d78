/* Progress measures for the evaluator (progress.c). */
#ifndef HP_PROGRESS_INTERNAL_H
#define HP_PROGRESS_INTERNAL_H

#include "healthplan/progress.h"

/* Nonzero when hp_progress_compute() accepts these thresholds (clears the error record). */
int hp__progress_thresholds_ok(const hp_thresholds *th);

/* hp_progress_compute() with th already checked by hp__progress_thresholds_ok(): the same
 * result, without checking th again (in, th, out not NULL). */
int hp__progress_compute_trusted(const hp_progress_input *in, const hp_thresholds *th,
                                 hp_progress_result *out);

#endif
