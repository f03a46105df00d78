/*
 * compare_cities: Yiyang (益阳) against Hengyang (衡阳), from the built-in data.
 *
 * Evaluates Yiyang's 13th and 14th five-year health plans and Hengyang's Healthy China 2030
 * opinion, then prints, for every indicator both cities set targets for, each city's latest
 * value, its targets (as the library reads them) and their status.
 *
 * Build against an installed libhealthplan:  make  (see the Makefile and ../README.md)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <healthplan.h>

typedef struct city {
    const char *code;          /* region code */
    const char *name;          /* for the table */
    const char *plans[3];      /* its plans, NULL-terminated */
    hp_results *res[3];        /* their evaluations */
} city;

static int fail(const char *what)
{
    const hp_error *e = hp_error_last();
    fprintf(stderr, "compare_cities: %s: %s\n", what, e->message);
    return 1;
}

/* Display width of UTF-8 text: CJK and full-width characters take two columns. */
static int width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp;
        int n;
        if (*p < 0x80) { cp = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; n = 3; }
        else { cp = *p & 0x07; n = 4; }
        for (int k = 1; k < n && p[k]; k++)
            cp = (cp << 6) | (p[k] & 0x3F);
        p += n;
        w += (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
             (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFF60) ||
             (cp >= 0xFFE0 && cp <= 0xFFE6) ? 2 : 1;
    }
    return w;
}

static void cell(const char *s, int cols)
{
    fputs(s, stdout);
    for (int w = width(s); w < cols; w++)
        putchar(' ');
}

/* Does the city have a target for this indicator? */
static int targets(const city *c, const hp_indicator *ind)
{
    for (int p = 0; c->plans[p]; p++)
        for (size_t i = 0; i < hp_results_count(c->res[p]); i++)
            if (hp_target_indicator(hp_results_at(c->res[p], i)->target) == ind)
                return 1;
    return 0;
}

static void print_city(const hp_dataset *ds, const city *c, const hp_indicator *ind)
{
    char latest[64] = "-";
    hp_observation o;
    if (hp_dataset_latest_observation(ds, c->code, hp_indicator_id(ind), 2100, &o) == HP_OK)
        snprintf(latest, sizeof latest, "%.4g (%d)", o.value, o.year);
    int first = 1;
    for (int p = 0; c->plans[p]; p++)
        for (size_t i = 0; i < hp_results_count(c->res[p]); i++) {
            const hp_result *r = hp_results_at(c->res[p], i);
            const hp_target *t = r->target;
            if (hp_target_indicator(t) != ind)
                continue;
            char id[64], target[96] = "", *desc = NULL;
            snprintf(id, sizeof id, "%s/%s", hp_plan_id(hp_target_plan(t)), hp_target_id(t));
            if (hp_rule_describe(hp_target_rule(t), &desc) == HP_OK) {
                snprintf(target, sizeof target, "%s by %d", desc, hp_target_year(t));
                hp_free(desc);
            }
            printf("  ");
            cell(first ? c->name : "", 10);
            cell(first ? latest : "", 16);
            cell(id, 30);
            cell(target, 34);
            printf("%s\n", hp_status_name(r->status));
            first = 0;
        }
}

int main(void)
{
    hp_dataset *ds;
    if (hp_dataset_builtin(&ds) != HP_OK)
        return fail("loading the built-in data");
    city cities[2] = {{"430900", "Yiyang", {"yiyang-13fyp", "yiyang-14fyp", NULL}, {NULL}},
                      {"430400", "Hengyang", {"hengyang-2030", NULL}, {NULL}}};
    int rc = 0;
    for (int c = 0; c < 2 && !rc; c++)
        for (int p = 0; p < 2 && cities[c].plans[p]; p++) {
            hp_eval_options o = HP_EVAL_OPTIONS_INIT;
            o.plan = cities[c].plans[p];
            if (hp_evaluate(ds, &o, &cities[c].res[p]) != HP_OK) {
                rc = fail(o.plan);
                break;
            }
        }
    if (!rc) {
        printf("Yiyang (430900; yiyang-13fyp, yiyang-14fyp) and Hengyang (430400; hengyang-2030):\n"
               "the indicators both cities set targets for\n\n  ");
        cell("city", 10);
        cell("latest", 16);
        cell("target", 30);
        cell("asks", 34);
        printf("status\n");
        size_t shared = 0;
        for (size_t k = 0; k < hp_dataset_indicator_count(ds); k++) {
            const hp_indicator *ind = hp_dataset_indicator_at(ds, k);
            if (!targets(&cities[0], ind) || !targets(&cities[1], ind))
                continue;
            shared++;
            printf("\n%s (%s, %s)\n", hp_indicator_id(ind), hp_indicator_name_zh(ind),
                   hp_indicator_unit(ind));
            print_city(ds, &cities[0], ind);
            print_city(ds, &cities[1], ind);
        }
        printf("\n%zu indicators targeted by both cities\n", shared);
        for (int c = 0; c < 2; c++)
            for (int p = 0; p < 2 && cities[c].plans[p]; p++) {
                size_t counts[HP_STATUS_COUNT];
                size_t n = hp_results_count_status(cities[c].res[p], NULL, -1, NULL, counts);
                printf("%-14s %3zu targets:", cities[c].plans[p], n);
                for (int s = 0; s < HP_STATUS_COUNT; s++)
                    if (counts[s])
                        printf(" %zu %s", counts[s], hp_status_name((hp_status)s));
                printf("\n");
            }
    }
    for (int c = 0; c < 2; c++)
        for (int p = 0; p < 2; p++)
            hp_results_free(cities[c].res[p]);
    hp_dataset_free(ds);
    return rc;
}
