/* Targets CSV: a plan's table as printed, pasted in by an analyst (docs/format.md).
 * Columns plan, region, indicator, year, target, nature; optional baseline, baseline_year, id,
 * source, reference_indicator. Indicator names are matched against the catalogue, target
 * phrases are read by hp_rule_parse(), and a baseline becomes an observation. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csv_internal.h"
#include "dataset_internal.h"

enum { T_PLAN, T_REGION, T_IND, T_YEAR, T_TARGET, T_NATURE, T_BASE, T_BASEYEAR, T_ID, T_SOURCE,
       T_REFIND, T_NCOL };
static const char *const TCOLS[T_NCOL] = {"plan", "region", "indicator", "year", "target",
                                          "nature", "baseline", "baseline_year", "id", "source",
                                          "reference_indicator"};

/* Field i as a NUL-terminated, trimmed copy in buf ("" when absent). */
static const char *cell(const hp__csv *r, int i, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (i < 0 || (size_t)i >= hp__csv_nfields(r))
        return buf;
    const hp__csv_field *f = hp__csv_field_at(r, (size_t)i);
    const char *p = f->ptr;
    size_t n = f->len;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* "78.2(2021年)", "78.2（2021）", "15. 50", "-", "—": value and optional year. */
static int read_baseline(const char *s, double *value, int *year, int *present)
{
    *present = 0;
    *year = 0;
    if (!*s || !strcmp(s, "-") || !strcmp(s, "—") || !strcmp(s, "–") || !strcmp(s, "－"))
        return HP_OK;
    char num[64];
    size_t k = 0;
    const char *p = s;
    /* digits, one point, a sign; spaces inside the number are dropped ("15. 50") */
    while (*p && k + 1 < sizeof num) {
        if ((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+')
            num[k++] = *p++;
        else if (*p == ' ')
            p++;
        else
            break;
    }
    num[k] = '\0';
    size_t used;
    if (!k || hp__parse_double(num, k, value, &used) != HP_OK || used != k)
        return HP_EPARSE;
    while (*p == ' ')
        p++;
    if (!*p) {
        *present = 1;
        return HP_OK;
    }
    const char *open = NULL;
    if (*p == '(')
        open = p + 1;
    else if (!strncmp(p, "（", 3))
        open = p + 3;
    if (!open)
        return HP_EPARSE;
    int y = 0, digits = 0;
    while (*open >= '0' && *open <= '9' && digits < 5) {
        y = y * 10 + (*open++ - '0');
        digits++;
    }
    if (digits != 4)
        return HP_EPARSE;
    if (!strncmp(open, "年", 3))
        open += 3;
    if (*open == ')')
        open++;
    else if (!strncmp(open, "）", 3))
        open += 3;
    else
        return HP_EPARSE;
    if (*open)
        return HP_EPARSE;
    *year = y;
    *present = 1;
    return HP_OK;
}

static int cell_error(const hp__csv *r, int code, int col, const char *fmt, const char *a,
                      const char *b)
{
    return hp__csv_error(r, code, (size_t)col, NULL, fmt, a, b);
}

int hp__load_targets_csv(hp_dataset *st, uint16_t file, hp__csv *r)
{
    const hp__file *f = &st->files[file];
    int col[T_NCOL];
    int rc;
    for (int c = 0; c < T_NCOL; c++)
        col[c] = hp__csv_header_index(r, TCOLS[c]);
    static const int required[] = {T_PLAN, T_IND, T_YEAR, T_TARGET};
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (col[required[k]] < 0)
            return hp__csv_error(r, HP_EVALIDATE, hp__csv_nfields(r), TCOLS[required[k]],
                                 "the header has no \"%s\" column (a targets CSV needs plan, indicator, year and target)",
                                 TCOLS[required[k]]);
    char plan_id[256], region_code[256], ind_name[512], year_s[32], phrase[1024], nature_s[64],
        base_s[128], baseyear_s[32], id[256], source[1024], refind[256];
    while ((rc = hp__csv_next(r)) == 1) {
        size_t rec = hp__csv_record_number(r);
        cell(r, col[T_PLAN], plan_id, sizeof plan_id);
        cell(r, col[T_REGION], region_code, sizeof region_code);
        cell(r, col[T_IND], ind_name, sizeof ind_name);
        cell(r, col[T_YEAR], year_s, sizeof year_s);
        cell(r, col[T_TARGET], phrase, sizeof phrase);
        cell(r, col[T_NATURE], nature_s, sizeof nature_s);
        cell(r, col[T_BASE], base_s, sizeof base_s);
        cell(r, col[T_BASEYEAR], baseyear_s, sizeof baseyear_s);
        cell(r, col[T_ID], id, sizeof id);
        cell(r, col[T_SOURCE], source, sizeof source);
        cell(r, col[T_REFIND], refind, sizeof refind);
        if (!*plan_id)
            return hp__csv_error(r, HP_EVALIDATE, (size_t)col[T_PLAN], NULL,
                                 "expected a plan id, found an empty cell");
        /* the plan: an existing one, or a new one for this table */
        const hp_plan *plan = hp__find_plan(st, plan_id);
        const hp_region *region = NULL;
        if (*region_code) {
            region = hp__find_region(st, region_code);
            if (!region) {
                hp__unknown(st, "region", region_code, NULL, NULL);
                char msg[600];
                snprintf(msg, sizeof msg, "%s", hp_error_last()->message);
                return cell_error(r, HP_ENOTFOUND, col[T_REGION], "%s%s", msg, "");
            }
        }
        if (!plan) {
            if (!region)
                return hp__csv_error(r, HP_EVALIDATE, (size_t)col[T_REGION], NULL,
                                     "plan \"%s\" is not in the dataset: give its region in the \"region\" column so it can be created",
                                     plan_id);
            hp_plan_info pi = {plan_id, NULL, region->code, 0, 0, 0, f->name};
            hp__src psrc = {f->name, NULL, 0, 0, 0, (uint32_t)rec, "csv", hp__csv_line(r), 1};
            if ((rc = hp__stage_plan(st, &pi, &psrc)) != HP_OK)
                return rc;
            plan = hp__find_plan(st, plan_id);
        }
        if (!region)
            region = plan->region ? plan->region : hp__find_region(st, plan->region_code);
        /* the indicator, by id, name or alias */
        const hp_indicator *ind = NULL;
        if (!*ind_name)
            return hp__csv_error(r, HP_EVALIDATE, (size_t)col[T_IND], NULL,
                                 "expected an indicator id or name, found an empty cell");
        if ((rc = hp_dataset_match_indicator(st, ind_name, &ind)) != HP_OK) {
            if (rc == HP_ENOMEM)
                return rc;
            char msg[700];
            snprintf(msg, sizeof msg, "%s", hp_error_last()->message);
            return cell_error(r, HP_ENOTFOUND, col[T_IND], "%s%s", msg, "");
        }
        long year;
        if ((rc = hp__csv_field_long(r, (size_t)col[T_YEAR], HP_YEAR_MIN, HP_YEAR_MAX, &year)) != HP_OK)
            return rc;
        /* the phrase */
        if (!*phrase)
            return hp__csv_error(r, HP_EVALIDATE, (size_t)col[T_TARGET], NULL,
                                 "expected a target as printed (\"≤18\", \"比2015年降低30%%\"), found an empty cell");
        hp_rule rule;
        rc = hp_rule_parse(phrase, &rule);
        if (rc != HP_OK) {
            const hp_error *e = hp_error_last();
            char msg[800];
            int pcol = e->column;
            snprintf(msg, sizeof msg, "%s", e->message);
            const hp__csv_field *tf = hp__csv_field_at(r, (size_t)col[T_TARGET]);
            /* column of the phrase's character: the cell's column, past a quote and the
             * leading spaces that cell() trimmed */
            size_t off = tf->offset + (tf->quoted ? 1 : 0);
            const char *p = tf->ptr;
            while (p < tf->ptr + tf->len && (*p == ' ' || *p == '\t')) {
                p++;
                off++;
            }
            int c0 = hp__csv_column(r, off);
            return hp__error(rc, f->name, hp__csv_line_at(r, off), c0 + (pcol > 0 ? pcol - 1 : 0),
                             "target", "target: cannot read \"%s\": %s", phrase, msg);
        }
        if (rule.kind == HP_RULE_SAME_RATIO && !rule.indicator[0]) {
            const char *with = refind;
            char derived[128] = "";
            if (!*with && !strncmp(ind->id, "healthy_", 8) && hp__find_indicator(st, ind->id + 8)) {
                snprintf(derived, sizeof derived, "%s", ind->id + 8);
                with = derived;
            }
            if (!*with) {
                hp_rule_dispose(&rule);
                return hp__csv_error(r, HP_EVALIDATE, (size_t)col[T_TARGET], NULL,
                                     "\"%s\" grows in proportion to another indicator: name it in a \"reference_indicator\" column",
                                     phrase);
            }
            if (strlen(with) >= sizeof rule.indicator) {
                hp_rule_dispose(&rule);
                return hp__csv_error(r, HP_EVALIDATE, (size_t)col[T_REFIND], NULL,
                                     "an indicator id is at most %zu bytes", sizeof rule.indicator - 1);
            }
            memcpy(rule.indicator, with, strlen(with) + 1);
        }
        hp_nature nature = HP_NATURE_UNSPECIFIED;
        if (!strcmp(nature_s, "约束性") || !strcasecmp(nature_s, "binding"))
            nature = HP_NATURE_BINDING;
        else if (!strcmp(nature_s, "预期性") || !strcasecmp(nature_s, "expected"))
            nature = HP_NATURE_EXPECTED;
        else if (*nature_s && strcasecmp(nature_s, "unspecified")) {
            hp_rule_dispose(&rule);
            return cell_error(r, HP_EVALIDATE, col[T_NATURE],
                              "expected 约束性, 预期性, binding or expected, found \"%s\"%s",
                              nature_s, "");
        }
        char idbuf[32], srcbuf[1200];
        if (!*id)
            snprintf(idbuf, sizeof idbuf, "%zu", rec - 1);
        if (!*source)
            snprintf(srcbuf, sizeof srcbuf, "%s, row %zu", f->name, rec - 1);
        hp_target_info ti = {0};
        ti.plan = plan_id;
        ti.id = *id ? id : idbuf;
        ti.indicator = ind->id;
        ti.region = (*region_code && strcmp(region->code, plan->region_code)) ? region->code : NULL;
        ti.year = (int)year;
        ti.rule = &rule;
        ti.nature = nature;
        ti.as_printed = phrase;
        ti.source = *source ? source : srcbuf;
        hp__src tsrc = {f->name, NULL, 0, 0, 0, (uint32_t)rec, "csv", hp__csv_line(r), 1};
        rc = hp__stage_target(st, &ti, &tsrc);
        hp_rule_dispose(&rule);
        if (rc != HP_OK)
            return rc;
        /* the baseline becomes an observation */
        double bval;
        int byear, present;
        if (read_baseline(base_s, &bval, &byear, &present) != HP_OK)
            return cell_error(r, HP_EPARSE, col[T_BASE],
                              "expected a number, optionally with its year in brackets (\"78.2(2021年)\"), or \"-\"; found \"%s\"%s",
                              base_s, "");
        if (present) {
            if (!byear && *baseyear_s) {
                long by;
                if ((rc = hp__csv_field_long(r, (size_t)col[T_BASEYEAR], HP_YEAR_MIN, HP_YEAR_MAX,
                                             &by)) != HP_OK)
                    return rc;
                byear = (int)by;
            }
            if (!byear)
                byear = plan->baseline_year;
            if (!byear)
                return cell_error(r, HP_EVALIDATE, col[T_BASE],
                                  "the baseline \"%s\" has no year: write it as \"%s(2020年)\" or add a baseline_year column",
                                  base_s, base_s);
            if (byear < HP_YEAR_MIN || byear > HP_YEAR_MAX)
                return cell_error(r, HP_ERANGE, col[T_BASE], "baseline year in \"%s\" is outside 1949–2100%s",
                                  base_s, "");
            rc = hp__stage_obs(st, region->index, ind->index, byear, bval,
                               HP_FLAGS(HP_OBS_FINAL, HP_VERDICT_NONE), ti.source, strlen(ti.source),
                               base_s, strlen(base_s), hp__csv_field_at(r, 0)->offset, file);
            if (rc != HP_OK)
                return rc;
        }
    }
    return rc < 0 ? rc : HP_OK;
}
