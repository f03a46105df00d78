/* healthplan: the command line. It parses arguments and calls the library; nothing more. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthplan.h"
#include "output.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2

static const char *USAGE =
    "usage: healthplan COMMAND [OPTIONS] [FILE...]\n"
    "\n"
    "Commands:\n"
    "  datasets                 list the built-in datasets, their plans and counts\n"
    "  validate FILE...         check dataset JSON and CSV files (exit 1 on an error)\n"
    "  targets                  list targets\n"
    "  evaluate                 judge every target: status, progress, gap and why\n"
    "  compare --regions A,B…   indicators × regions side by side, with targets and ranks\n"
    "  audit                    check the plans' own numbers: ratios, units, conflicts\n"
    "  rollup                   figures of cities and provinces from their counties (CSV)\n"
    "  parse-target PHRASE      read a target as a plan prints it (\"≤18\", \"比2015年降低30%\")\n"
    "\n"
    "Options:\n"
    "  --format table|csv|json  output format (default table)\n"
    "  --plan ID                only this plan (targets)\n"
    "  --region CODE            only this region (targets, evaluate)\n"
    "  --indicator ID           only this indicator (evaluate)\n"
    "  --as-of YEAR             judge with data up to YEAR (evaluate; default: all data)\n"
    "  --method NAME            opensdg (default), eurostat or unsd (evaluate)\n"
    "  --threads N              evaluate and write with N threads (default 1)\n"
    "  --regions A,B,…          region codes, in column order (compare)\n"
    "  --indicators A,B,…       indicator ids (compare; default: all the regions have)\n"
    "  --year YEAR              values at or before YEAR (compare; default: latest)\n"
    "  --with-builtin           add the built-in datasets to the FILEs\n"
    "  --strict                 warnings are errors (validate)\n"
    "  --version                print the version\n"
    "  -h, --help               this text\n"
    "\n"
    "With no FILE, commands use the built-in datasets. FILEs may be dataset JSON,\n"
    "observations CSV or targets CSV, loaded together (references resolve across them).\n"
    "Exit status: 0 success, 1 bad input (message on stderr), 2 usage error.\n";

typedef struct args {
    const char *command;
    out_format format;
    const char *plan, *region, *indicator, *method, *regions, *indicators;
    int as_of, year, threads;
    int with_builtin, strict;
    const char **files;
    size_t nfiles;
} args;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "healthplan: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'healthplan --help'.\n");
    return EXIT_USAGE;
}

static void print_error(void)
{
    const hp_error *e = hp_error_last();
    if (e->file[0] && e->line)
        fprintf(stderr, "%s:%d:%d: error: %s\n", e->file, e->line, e->column, e->message);
    else if (e->file[0])
        fprintf(stderr, "%s: error: %s\n", e->file, e->message);
    else
        fprintf(stderr, "healthplan: error: %s\n", e->message);
}

static void print_warning(void *ctx, const hp_error *w)
{
    (void)ctx;
    if (w->file[0] && w->line)
        fprintf(stderr, "%s:%d:%d: warning: %s\n", w->file, w->line, w->column, w->message);
    else
        fprintf(stderr, "%s: warning: %s\n", w->file[0] ? w->file : "healthplan", w->message);
}

/* Load the FILEs (and the built-in datasets when asked, or when there are no FILEs). */
static int load(const args *a, hp_dataset **out, int warn)
{
    hp_dataset *ds = NULL;
    if (hp_dataset_new(&ds) != HP_OK) {
        print_error();
        return EXIT_BAD_INPUT;
    }
    if ((a->with_builtin || a->nfiles == 0) && hp_dataset_add_builtin(ds) != HP_OK) {
        print_error();
        hp_dataset_free(ds);
        return EXIT_BAD_INPUT;
    }
    if (a->nfiles) {
        hp_load_options opts = HP_LOAD_OPTIONS_INIT;
        opts.strict = a->strict;
        if (warn)
            opts.warn = print_warning;
        if (hp_dataset_load_files(ds, a->files, a->nfiles, &opts) != HP_OK) {
            print_error();
            hp_dataset_free(ds);
            return EXIT_BAD_INPUT;
        }
    }
    *out = ds;
    return 0;
}

static int cmd_validate(const args *a)
{
    if (!a->nfiles)
        return usage_error("%s", "validate needs at least one FILE");
    hp_dataset *ds;
    int rc = load(a, &ds, 1);
    if (rc)
        return rc;
    printf("%zu file%s valid: %zu regions, %zu indicators, %zu plans, %zu targets, %zu observations\n",
           a->nfiles, a->nfiles == 1 ? "" : "s", hp_dataset_region_count(ds),
           hp_dataset_indicator_count(ds), hp_dataset_plan_count(ds),
           hp_dataset_target_count(ds), hp_dataset_observation_count(ds));
    hp_dataset_free(ds);
    return 0;
}

static int cmd_datasets(const args *a)
{
    hp_dataset *ds;
    int rc = load(a, &ds, 0);
    if (rc)
        return rc;
    if (a->format == FMT_TABLE) {
        printf("Built-in dataset files (compiled into the library):\n");
        for (size_t i = 0; i < hp_builtin_count(); i++) {
            size_t len;
            const char *name = hp_builtin_file(i, NULL, &len);
            printf("  %-22s %8zu bytes\n", name, len);
        }
        printf("\n%zu regions, %zu indicators, %zu plans, %zu targets, %zu observations\n\n",
               hp_dataset_region_count(ds), hp_dataset_indicator_count(ds),
               hp_dataset_plan_count(ds), hp_dataset_target_count(ds),
               hp_dataset_observation_count(ds));
    }
    static const char *const head[] = {"plan", "region", "start", "end", "baseline_year",
                                       "targets", "title"};
    static const char *const numeric[] = {"start", "end", "baseline_year", "targets", NULL};
    out_table t;
    table_init(&t, 7, head);
    for (size_t i = 0; i < hp_dataset_plan_count(ds); i++) {
        const hp_plan *p = hp_dataset_plan_at(ds, i);
        char start[16] = "", end[16] = "", base[16] = "", n[32];
        if (hp_plan_start(p))
            snprintf(start, sizeof start, "%d", hp_plan_start(p));
        if (hp_plan_end(p))
            snprintf(end, sizeof end, "%d", hp_plan_end(p));
        if (hp_plan_baseline_year(p))
            snprintf(base, sizeof base, "%d", hp_plan_baseline_year(p));
        snprintf(n, sizeof n, "%zu", hp_plan_target_count(p));
        const char *row[] = {hp_plan_id(p), hp_region_code(hp_plan_region(p)), start, end, base,
                             n, hp_plan_title(p)};
        table_add(&t, row);
    }
    table_print(&t, a->format, stdout, numeric);
    table_free(&t);
    hp_dataset_free(ds);
    return 0;
}

static int cmd_targets(const args *a)
{
    hp_dataset *ds;
    int rc = load(a, &ds, 0);
    if (rc)
        return rc;
    const hp_plan *plan = NULL;
    const hp_region *region = NULL;
    if (a->plan && hp_dataset_find_plan(ds, a->plan, &plan) != HP_OK) {
        print_error();
        hp_dataset_free(ds);
        return EXIT_BAD_INPUT;
    }
    if (a->region && hp_dataset_find_region(ds, a->region, &region) != HP_OK) {
        print_error();
        hp_dataset_free(ds);
        return EXIT_BAD_INPUT;
    }
    if (a->format == FMT_JSON) {
        /* the same fields as the dataset format */
        int first = 1;
        fputs("[", stdout);
        for (size_t i = 0; i < hp_dataset_target_count(ds); i++) {
            const hp_target *t = hp_dataset_target_at(ds, i);
            if ((plan && hp_target_plan(t) != plan) || (region && hp_target_region(t) != region))
                continue;
            fputs(first ? "\n {" : ",\n {", stdout);
            first = 0;
            fputs("\"id\": ", stdout);
            json_string(stdout, hp_target_id(t));
            fputs(", \"plan\": ", stdout);
            json_string(stdout, hp_plan_id(hp_target_plan(t)));
            fputs(", \"region\": ", stdout);
            json_string(stdout, hp_region_code(hp_target_region(t)));
            fputs(", \"indicator\": ", stdout);
            json_string(stdout, hp_indicator_id(hp_target_indicator(t)));
            printf(", \"year\": %d, \"rule\": ", hp_target_year(t));
            char *rule = NULL;
            if (hp_rule_to_json(hp_target_rule(t), &rule) == HP_OK)
                fputs(rule, stdout);
            else
                fputs("null", stdout);
            hp_free(rule);
            fputs(", \"nature\": ", stdout);
            json_string(stdout, hp_nature_name(hp_target_nature(t)));
            fputs(", \"as_printed\": ", stdout);
            json_string(stdout, hp_target_as_printed(t));
            fputs(", \"source\": ", stdout);
            json_string(stdout, hp_target_source(t));
            fputs(", \"departments\": ", stdout);
            if (*hp_target_lead(t) || hp_target_partner_count(t)) {
                fputs("{\"lead\": ", stdout);
                json_string(stdout, hp_target_lead(t));
                fputs(", \"partners\": [", stdout);
                for (size_t k = 0; k < hp_target_partner_count(t); k++) {
                    if (k)
                        fputs(", ", stdout);
                    json_string(stdout, hp_target_partner(t, k));
                }
                fputs("]}", stdout);
            } else {
                fputs("null", stdout);
            }
            fputs("}", stdout);
        }
        fputs(first ? "]\n" : "\n]\n", stdout);
        hp_dataset_free(ds);
        return 0;
    }
    /* the table leaves the long source out; CSV carries every field */
    static const char *const head[] = {"plan", "id", "region", "indicator", "year", "rule",
                                       "nature", "as_printed", "source"};
    size_t ncols = a->format == FMT_TABLE ? 8 : 9;
    out_table t;
    table_init(&t, ncols, head);
    for (size_t i = 0; i < hp_dataset_target_count(ds); i++) {
        const hp_target *tg = hp_dataset_target_at(ds, i);
        if ((plan && hp_target_plan(tg) != plan) || (region && hp_target_region(tg) != region))
            continue;
        char year[16], *rule = NULL;
        snprintf(year, sizeof year, "%d", hp_target_year(tg));
        if (a->format == FMT_TABLE)
            hp_rule_describe(hp_target_rule(tg), &rule);
        else
            hp_rule_to_json(hp_target_rule(tg), &rule);
        const char *row[] = {hp_plan_id(hp_target_plan(tg)), hp_target_id(tg),
                             hp_region_code(hp_target_region(tg)),
                             hp_indicator_id(hp_target_indicator(tg)), year, rule ? rule : "",
                             hp_nature_name(hp_target_nature(tg)), hp_target_as_printed(tg),
                             hp_target_source(tg)};
        table_add(&t, row);
        hp_free(rule);
    }
    table_print(&t, a->format, stdout, NULL);
    table_free(&t);
    hp_dataset_free(ds);
    return 0;
}

/* A short label for a status, readable at a glance in a terminal table. */
static const char *status_label(hp_status s)
{
    switch (s) {
    case HP_STATUS_ACHIEVED: return "✔ achieved";
    case HP_STATUS_NOT_ACHIEVED: return "✘ not achieved";
    case HP_STATUS_ON_TRACK: return "↗ on track";
    case HP_STATUS_OFF_TRACK: return "↘ off track";
    case HP_STATUS_NO_DATA: return "· no data";
    default: return "? not assessable";
    }
}

/* A number for a terminal table: 4 significant digits, whole numbers from 10,000 up. */
static void fmt_num(char *out, size_t cap, double v)
{
    if (isnan(v))
        out[0] = '\0';
    else if (fabs(v) >= 1e4)
        snprintf(out, cap, "%.0f", v);
    else
        snprintf(out, cap, "%.4g", v);
}

/* One summary line: "label: N targets: n1 achieved n2 on_track …" (nothing when N is 0). */
static void print_summary(const hp_results *res, const char *label, const char *plan, int nature,
                          const char *category)
{
    size_t counts[HP_STATUS_COUNT];
    size_t n = hp_results_count_status(res, plan, nature, category, counts);
    if (!n)
        return;
    printf("%s: %zu target%s:", label, n, n == 1 ? "" : "s");
    for (int s = 0; s < HP_STATUS_COUNT; s++)
        if (counts[s])
            printf(" %zu %s", counts[s], hp_status_name((hp_status)s));
    printf("\n");
}

static int cmd_evaluate(const args *a)
{
    hp_dataset *ds;
    int rc = load(a, &ds, 0);
    if (rc)
        return rc;
    hp_eval_options o = HP_EVAL_OPTIONS_INIT;
    o.plan = a->plan;
    o.region = a->region;
    o.indicator = a->indicator;
    o.as_of = a->as_of;
    o.threads = a->threads;
    if (a->method && hp_method_from_name(a->method, &o.method) != HP_OK) {
        hp_dataset_free(ds);
        return usage_error("%s", hp_error_last()->message);
    }
    hp_results *res;
    if (hp_evaluate(ds, &o, &res) != HP_OK) {
        print_error();
        hp_dataset_free(ds);
        return EXIT_BAD_INPUT;
    }
    if (a->format != FMT_TABLE) {
        char *text;
        if (hp_results_write(res, a->format == FMT_CSV ? HP_RESULTS_CSV : HP_RESULTS_JSON, &text,
                             NULL) != HP_OK) {
            print_error();
            rc = EXIT_BAD_INPUT;
        } else {
            fputs(text, stdout);
            hp_free(text);
        }
    } else {
        static const char *const head[] = {"plan", "id", "indicator", "region", "year", "target",
                                           "baseline", "latest", "status", "class", "reason"};
        out_table t;
        table_init(&t, 11, head);
        char reason[1024];
        for (size_t i = 0; i < hp_results_count(res); i++) {
            const hp_result *r = hp_results_at(res, i);
            const hp_target *tg = r->target;
            char year[16], base[48] = "", latest[48] = "", v[32];
            snprintf(year, sizeof year, "%d", hp_target_year(tg));
            if (r->baseline_year) {
                fmt_num(v, sizeof v, r->baseline);
                snprintf(base, sizeof base, "%s (%d)", v, r->baseline_year);
            }
            if (r->latest_year) {
                fmt_num(v, sizeof v, r->latest);
                snprintf(latest, sizeof latest, "%s (%d)", isnan(r->latest) ? "met" : v,
                         r->latest_year);
            }
            hp_results_reason(res, i, reason, sizeof reason);
            const char *row[] = {hp_plan_id(hp_target_plan(tg)), hp_target_id(tg),
                                 hp_indicator_id(hp_target_indicator(tg)),
                                 hp_region_code(hp_target_region(tg)), year,
                                 hp_target_as_printed(tg), base, latest,
                                 status_label(r->status),
                                 r->cls ? hp_progress_class_name(r->cls) : "", reason};
            table_add(&t, row);
        }
        table_print(&t, FMT_TABLE, stdout, NULL);
        table_free(&t);
        /* summaries: per plan, per nature, per category */
        printf("\n");
        for (size_t p = 0; p < hp_dataset_plan_count(ds); p++) {
            const char *pid = hp_plan_id(hp_dataset_plan_at(ds, p));
            print_summary(res, pid, pid, -1, NULL);
        }
        if (a->plan) {
            print_summary(res, "  binding (约束性)", a->plan, HP_NATURE_BINDING, NULL);
            print_summary(res, "  expected (预期性)", a->plan, HP_NATURE_EXPECTED, NULL);
            const char *seen[64];
            size_t nseen = 0;
            for (size_t i = 0; i < hp_results_count(res) && nseen < 64; i++) {
                const char *cat = hp_indicator_category(hp_target_indicator(hp_results_at(res, i)->target));
                size_t k = 0;
                while (k < nseen && strcmp(seen[k], cat))
                    k++;
                if (k == nseen && *cat)
                    seen[nseen++] = cat;
            }
            for (size_t k = 0; k < nseen; k++) {
                char label[128];
                snprintf(label, sizeof label, "  %s", seen[k]);
                print_summary(res, label, a->plan, -1, seen[k]);
            }
        }
    }
    hp_results_free(res);
    hp_dataset_free(ds);
    return rc;
}

/* Split "a,b,c" into a NULL-terminated array (malloc'd; the strings point into *copy). */
static const char **split(const char *list, char **copy, size_t *n)
{
    *copy = malloc(strlen(list) + 1);
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == ',';
    const char **out = calloc(cap + 1, sizeof *out);
    if (!*copy || !out) {
        free(*copy);
        free(out);
        return NULL;
    }
    strcpy(*copy, list);
    *n = 0;
    for (char *tok = strtok(*copy, ","); tok; tok = strtok(NULL, ","))
        out[(*n)++] = tok;
    return out;
}

static int cmd_compare(const args *a)
{
    if (!a->regions)
        return usage_error("%s", "compare needs --regions CODE,CODE,… (e.g. --regions 430900,430400,430000,CN)");
    hp_dataset *ds;
    int rc = load(a, &ds, 0);
    if (rc)
        return rc;
    char *rcopy = NULL, *icopy = NULL;
    hp_compare_options o = HP_COMPARE_OPTIONS_INIT;
    o.regions = split(a->regions, &rcopy, &o.nregions);
    if (a->indicators)
        o.indicators = split(a->indicators, &icopy, &o.nindicators);
    o.year = a->year;
    hp_comparison *cmp = NULL;
    if (!o.regions || (a->indicators && !o.indicators)) {
        rc = EXIT_BAD_INPUT;
    } else if (hp_compare(ds, &o, &cmp) != HP_OK) {
        print_error();
        rc = EXIT_BAD_INPUT;
    } else if (a->format != FMT_TABLE) {
        char *text;
        if (hp_comparison_write(cmp, a->format == FMT_CSV ? HP_RESULTS_CSV : HP_RESULTS_JSON,
                                &text, NULL) == HP_OK) {
            fputs(text, stdout);
            hp_free(text);
        }
    } else {
        size_t nr = hp_comparison_region_count(cmp);
        const char **head = calloc(nr + 1, sizeof *head);
        char **labels = calloc(nr, sizeof *labels);
        head[0] = "indicator";
        for (size_t r = 0; r < nr; r++) {
            const hp_region *reg = hp_comparison_region(cmp, r);
            labels[r] = malloc(128);
            snprintf(labels[r], 128, "%s %s", hp_region_name_zh(reg), hp_region_code(reg));
            head[r + 1] = labels[r];
        }
        out_table t;
        table_init(&t, nr + 1, head);
        for (size_t i = 0; i < hp_comparison_indicator_count(cmp); i++) {
            const char **row = calloc(nr + 1, sizeof *row);
            char **cells = calloc(nr, sizeof *cells);
            row[0] = hp_indicator_id(hp_comparison_indicator(cmp, i));
            for (size_t r = 0; r < nr; r++) {
                const hp_compare_cell *c = hp_comparison_cell(cmp, i, r);
                char v[64] = "", num[32], tv[80] = "";
                cells[r] = malloc(200);
                if (c->year) {
                    fmt_num(num, sizeof num, c->value);
                    snprintf(v, sizeof v, "%s (%d)%s", num, c->year, c->rank == 1 ? " #1" : "");
                }
                if (c->target)
                    snprintf(tv, sizeof tv, "%s→%s %d: %s", *v ? " " : "",
                             hp_target_as_printed(c->target), hp_target_year(c->target),
                             hp_status_name(c->status));
                snprintf(cells[r], 200, "%s%s", v, tv);
                row[r + 1] = cells[r];
            }
            table_add(&t, row);
            for (size_t r = 0; r < nr; r++)
                free(cells[r]);
            free(cells);
            free(row);
        }
        table_print(&t, FMT_TABLE, stdout, NULL);
        table_free(&t);
        for (size_t r = 0; r < nr; r++)
            free(labels[r]);
        free(labels);
        free(head);
    }
    hp_comparison_free(cmp);
    free((void *)o.regions);
    free((void *)o.indicators);
    free(rcopy);
    free(icopy);
    hp_dataset_free(ds);
    return rc;
}

static int cmd_audit(const args *a)
{
    hp_dataset *ds;
    int rc = load(a, &ds, 0);
    if (rc)
        return rc;
    hp_audit_report *rep;
    if (hp_audit(ds, a->plan, &rep) != HP_OK) {
        print_error();
        hp_dataset_free(ds);
        return EXIT_BAD_INPUT;
    }
    if (a->format != FMT_TABLE) {
        char *text;
        if (hp_audit_write(rep, a->format == FMT_CSV ? HP_RESULTS_CSV : HP_RESULTS_JSON, &text,
                           NULL) == HP_OK) {
            fputs(text, stdout);
            hp_free(text);
        }
    } else {
        for (size_t i = 0; i < hp_audit_count(rep); i++) {
            const hp_finding *f = hp_audit_at(rep, i);
            printf("%-7s %-11s %s\n", hp_severity_name(f->severity), hp_finding_kind_name(f->kind),
                   f->message);
            if (f->where[0])
                printf("%20s source: %s\n", "", f->where);
        }
        size_t counts[3] = {0, 0, 0};
        for (size_t i = 0; i < hp_audit_count(rep); i++)
            counts[hp_audit_at(rep, i)->severity]++;
        printf("\n%zu findings: %zu errors, %zu warnings, %zu checks passed\n", hp_audit_count(rep),
               counts[HP_SEVERITY_ERROR], counts[HP_SEVERITY_WARNING], counts[HP_SEVERITY_INFO]);
    }
    hp_audit_free(rep);
    hp_dataset_free(ds);
    return rc;
}

/* The observations a rollup derives, as SDMX-style CSV. */
static int cmd_rollup(const args *a)
{
    hp_dataset *ds;
    int rc = load(a, &ds, 0);
    if (rc)
        return rc;
    size_t added;
    if (hp_dataset_rollup(ds, &added) != HP_OK) {
        print_error();
        hp_dataset_free(ds);
        return EXIT_BAD_INPUT;
    }
    printf("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS,SOURCE\n");
    for (size_t i = 0; i < hp_dataset_observation_count(ds); i++) {
        hp_observation o;
        if (hp_dataset_observation_at(ds, i, &o) != HP_OK || o.status != HP_OBS_DERIVED)
            continue;
        printf("%s,%s,%d,%.12g,derived,", o.region, o.indicator, o.year, o.value);
        csv_cell(stdout, o.source);
        printf("\n");
    }
    fprintf(stderr, "%zu observations derived\n", added);
    hp_dataset_free(ds);
    return 0;
}

static int cmd_parse_target(const args *a)
{
    if (a->nfiles != 1)
        return usage_error("%s", "parse-target needs exactly one PHRASE (quote it)");
    hp_rule rule;
    if (hp_rule_parse(a->files[0], &rule) != HP_OK) {
        const hp_error *e = hp_error_last();
        fprintf(stderr, "<phrase>:1:%d: error: %s\n", e->column, e->message);
        fprintf(stderr, "  %s\n  %*s^\n", a->files[0], e->column > 1 ? e->column - 1 : 0, "");
        return EXIT_BAD_INPUT;
    }
    char *text = NULL;
    int rc = a->format == FMT_TABLE ? hp_rule_describe(&rule, &text) : hp_rule_to_json(&rule, &text);
    if (rc == HP_OK) {
        if (a->format == FMT_TABLE) {
            char *json = NULL;
            hp_rule_to_json(&rule, &json);
            printf("%s\n%s\n", text, json ? json : "");
            hp_free(json);
        } else {
            printf("%s\n", text);
        }
    }
    hp_free(text);
    hp_rule_dispose(&rule);
    if (rc != HP_OK) {
        print_error();
        return EXIT_BAD_INPUT;
    }
    return 0;
}

int main(int argc, char **argv)
{
    args a;
    memset(&a, 0, sizeof a);
    a.files = calloc((size_t)argc, sizeof *a.files);
    if (!a.files)
        return EXIT_BAD_INPUT;
    int rc;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
        char name[64] = "";
        if (!strncmp(arg, "--", 2) && strlen(arg) > 2) {
            const char *eq = strchr(arg, '=');
            size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
            if (n >= sizeof name)
                n = sizeof name - 1;
            memcpy(name, arg, n);
            name[n] = '\0';
            val = eq ? eq + 1 : NULL;
            int takes = !strcmp(name, "--format") || !strcmp(name, "--plan") ||
                        !strcmp(name, "--region") || !strcmp(name, "--indicator") ||
                        !strcmp(name, "--as-of") || !strcmp(name, "--method") ||
                        !strcmp(name, "--regions") || !strcmp(name, "--indicators") ||
                        !strcmp(name, "--year") || !strcmp(name, "--threads");
            if (takes && !val) {
                if (i + 1 >= argc) {
                    rc = usage_error("option %s needs a value", name);
                    goto done;
                }
                val = argv[++i];
            }
            if (!strcmp(name, "--format")) {
                if (!strcmp(val, "table"))
                    a.format = FMT_TABLE;
                else if (!strcmp(val, "csv"))
                    a.format = FMT_CSV;
                else if (!strcmp(val, "json"))
                    a.format = FMT_JSON;
                else {
                    rc = usage_error("--format takes table, csv or json, not \"%s\"", val);
                    goto done;
                }
            } else if (!strcmp(name, "--plan")) {
                a.plan = val;
            } else if (!strcmp(name, "--region")) {
                a.region = val;
            } else if (!strcmp(name, "--indicator")) {
                a.indicator = val;
            } else if (!strcmp(name, "--method")) {
                a.method = val;
            } else if (!strcmp(name, "--threads")) {
                char *end;
                long count = strtol(val, &end, 10);
                if (*end || count < 1 || count > 64) {
                    rc = usage_error("--threads takes a number from 1 to 64, not \"%s\"", val);
                    goto done;
                }
                a.threads = (int)count;
            } else if (!strcmp(name, "--regions")) {
                a.regions = val;
            } else if (!strcmp(name, "--indicators")) {
                a.indicators = val;
            } else if (!strcmp(name, "--as-of") || !strcmp(name, "--year")) {
                char *end;
                long y = strtol(val, &end, 10);
                if (*end || y < 1949 || y > 2100) {
                    rc = usage_error("%s takes a year from 1949 to 2100", name);
                    goto done;
                }
                if (!strcmp(name, "--year"))
                    a.year = (int)y;
                else
                    a.as_of = (int)y;
            } else if (!strcmp(name, "--with-builtin")) {
                a.with_builtin = 1;
            } else if (!strcmp(name, "--strict")) {
                a.strict = 1;
            } else if (!strcmp(name, "--help")) {
                fputs(USAGE, stdout);
                rc = 0;
                goto done;
            } else if (!strcmp(name, "--version")) {
                printf("healthplan %s\n", hp_version());
                rc = 0;
                goto done;
            } else {
                rc = usage_error("unknown option %s", name);
                goto done;
            }
        } else if (!strcmp(arg, "-h")) {
            fputs(USAGE, stdout);
            rc = 0;
            goto done;
        } else if (!a.command) {
            a.command = arg;
        } else {
            a.files[a.nfiles++] = arg;
        }
    }
    if (!a.command) {
        fputs(USAGE, stderr);
        rc = EXIT_USAGE;
    } else if (!strcmp(a.command, "validate")) {
        rc = cmd_validate(&a);
    } else if (!strcmp(a.command, "datasets")) {
        rc = cmd_datasets(&a);
    } else if (!strcmp(a.command, "targets")) {
        rc = cmd_targets(&a);
    } else if (!strcmp(a.command, "evaluate")) {
        rc = cmd_evaluate(&a);
    } else if (!strcmp(a.command, "compare")) {
        rc = cmd_compare(&a);
    } else if (!strcmp(a.command, "audit")) {
        rc = cmd_audit(&a);
    } else if (!strcmp(a.command, "rollup")) {
        rc = cmd_rollup(&a);
    } else if (!strcmp(a.command, "parse-target")) {
        rc = cmd_parse_target(&a);
    } else {
        rc = usage_error("unknown command \"%s\"", a.command);
    }
done:
    free(a.files);
    return rc;
}
