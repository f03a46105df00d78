/**
 * @file healthplan.h
 * @brief libhealthplan: regional health plans as data, evaluated.
 *
 * The umbrella header: include it to get the whole API. One header per concept lives in
 * healthplan/: common.h (errors, allocator, version), dataset.h, region.h, indicator.h,
 * plan.h, target.h, rule.h, observation.h, progress.h, io.h.
 */
#ifndef HEALTHPLAN_H
#define HEALTHPLAN_H

#include "healthplan/common.h"
#include "healthplan/dataset.h"
#include "healthplan/region.h"
#include "healthplan/indicator.h"
#include "healthplan/plan.h"
#include "healthplan/rule.h"
#include "healthplan/target.h"
#include "healthplan/observation.h"
#include "healthplan/progress.h"
#include "healthplan/io.h"
#include "healthplan/expr.h"
#include "healthplan/evaluate.h"
#include "healthplan/compare.h"
#include "healthplan/audit.h"
#include "healthplan/rollup.h"

#endif
