/* hp_gen: a deterministic synthetic national dataset for benchmarks and cross-checks.
 *
 *   hp_gen [--regions N] [--indicators M] [--years Y] [--last-year L] [--seed S]
 *          [--order series|year|shuffle] --out DIR
 *
 * writes DIR/dataset.json (healthplan/1: regions, indicators, plans, targets) and
 * DIR/observations.csv (SDMX-CSV style: REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS).
 *
 * Defaults are the national scale of DESIGN §9: 3,200 regions (CN, 31 provinces, 332
 * prefectures, 2,836 counties, in the proportions of China's 31/333/2,844), 100 indicators,
 * 20 years (2005–2024): about 6.3 million observations (~250 MB) and 820,000 targets (~190 MB).
 *
 * Everything is drawn from splitmix64 streams keyed by (seed, region, indicator, purpose), so
 * a file is a pure function of its arguments (and a small dataset is not a prefix of a large
 * one, but each series only depends on its own key).
 *
 * Regions form a tree CN → province (PP0000) → prefecture (PPCC00) → county (PPCCXX), listed
 * depth first, which is also the order of their codes: the observations CSV in the default
 * "series" order is sorted by (region, indicator, year) as the library stores it. "year" order
 * (all regions for 2005, then 2006 …) and "shuffle" give unsorted input.
 *
 * Every region has two plans: a 14th five-year plan ("CODE-14fyp": 2021–2025, baseline 2020,
 * targets for 2025) and a Healthy China 2030 opinion ("CODE-2030": 2016–2030, baseline 2015,
 * interim targets for 2020 and final ones for 2030). Rule kinds come in the proportions the
 * seed plans suggest: mostly le/lt/ge/gt, value and about; then change_from (with and without
 * a reference year), per_year (linear and compound), improve, reference_target (province or
 * prefecture), reference_value, range; a few any/all, qualitative, expr and same_ratio.
 * Series have trends, noise, late starts, missing years (absent rows and OBS_STATUS M gaps),
 * provisional and estimated values, zeros (maternal deaths) and negative values (natural growth).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------- random numbers */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A stream keyed by the seed and up to three numbers. */
static uint64_t stream(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t s = seed ^ 0x6A09E667F3BCC908ULL;
    uint64_t k = splitmix64(&s) ^ (a * 0x9E3779B97F4A7C15ULL);
    s = k;
    k = splitmix64(&s) ^ (b * 0xC2B2AE3D27D4EB4FULL);
    s = k;
    k = splitmix64(&s) ^ (c * 0x165667B19E3779F9ULL);
    s = k;
    splitmix64(&s);
    return s;
}

static double unif(uint64_t *s) { return (double)(splitmix64(s) >> 11) * 0x1.0p-53; }
static double unif2(uint64_t *s, double lo, double hi) { return lo + (hi - lo) * unif(s); }

static double normal(uint64_t *s)
{
    double u1 = unif(s), u2 = unif(s);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ------------------------------------------------------------- catalogue */

enum { L_COUNTRY, L_PROVINCE, L_PREFECTURE, L_COUNTY };
enum { D_HIGHER, D_LOWER, D_NONE };

typedef struct spec {
    const char *slug, *zh, *en, *unit, *category;
    int dir;
    double lo, hi;      /* base value range (2005), rates */
    double trend;       /* relative growth a year (linear slope a year when linear) */
    double sd;          /* spread of the trend between series */
    int decimals;
    double cap;         /* upper bound (percent: 100), 0 for none */
    int scaled;         /* counts that grow with the region's size */
    int linear;         /* a linear series (can cross zero) */
    int pp;             /* per_year targets in points (percent-like) */
} spec;

static const spec SPECS[] = {
    {"life_expectancy", "人均预期寿命", "Life expectancy at birth", "years", "健康水平", D_HIGHER, 72, 79, 0.0025, 0.0015, 2, 0, 0, 0, 0},
    {"infant_mortality", "婴儿死亡率", "Infant mortality rate", "permille", "健康水平", D_LOWER, 6, 16, -0.05, 0.03, 2, 0, 0, 0, 0},
    {"population", "常住人口", "Resident population", "count", "健康水平", D_NONE, 0.3, 1.7, 0.004, 0.006, 0, 0, 1, 0, 0},
    {"psychiatric_hospitals", "精神专科医院数", "Psychiatric hospitals", "count", "健康服务", D_NONE, 0, 3, 0.03, 0.03, 0, 0, 1, 0, 0},
    {"healthy_life_expectancy", "健康预期寿命", "Healthy life expectancy", "years", "健康水平", D_HIGHER, 64, 69, 0.003, 0.002, 2, 0, 0, 0, 0},
    {"beds_per_1000", "每千人口医疗卫生机构床位数", "Hospital beds per 1000 people", "per_1000", "健康服务", D_HIGHER, 2.5, 5, 0.04, 0.02, 2, 0, 0, 0, 0},
    {"maternal_deaths", "孕产妇死亡人数", "Maternal deaths", "count", "健康水平", D_LOWER, 0, 4, -0.04, 0.05, 0, 0, 1, 0, 0},
    {"myopia_rate", "儿童青少年总体近视率", "Myopia among children", "percent", "健康水平", D_LOWER, 40, 58, -0.008, 0.01, 2, 100, 0, 0, 1},
    {"natural_growth", "人口自然增长率", "Natural population growth rate", "permille", "健康水平", D_NONE, 2, 7, -0.35, 0.2, 2, 0, 0, 1, 0},
    {"health_literacy", "居民健康素养水平", "Health literacy", "percent", "健康生活", D_HIGHER, 5, 12, 0.08, 0.03, 2, 100, 0, 0, 1},
    {"maternal_mortality", "孕产妇死亡率", "Maternal mortality ratio", "per_100k", "健康水平", D_LOWER, 12, 40, -0.04, 0.03, 2, 0, 0, 0, 0},
    {"under5_mortality", "5岁以下儿童死亡率", "Under-five mortality rate", "permille", "健康水平", D_LOWER, 8, 20, -0.05, 0.03, 2, 0, 0, 0, 0},
    {"physicians_per_1000", "每千人口执业（助理）医师数", "Physicians per 1000 people", "per_1000", "健康服务", D_HIGHER, 1.2, 2.2, 0.035, 0.02, 2, 0, 0, 0, 0},
    {"nurses_per_1000", "每千人口注册护士数", "Registered nurses per 1000 people", "per_1000", "健康服务", D_HIGHER, 0.9, 2.0, 0.06, 0.025, 2, 0, 0, 0, 0},
    {"gps_per_10k", "每万人口全科医生数", "General practitioners per 10k people", "per_10k", "健康服务", D_HIGHER, 0.3, 1.5, 0.09, 0.04, 2, 0, 0, 0, 0},
    {"smoking_rate", "15岁以上人群吸烟率", "Smoking rate, 15 and over", "percent", "健康生活", D_LOWER, 26, 33, -0.012, 0.01, 2, 100, 0, 0, 1},
    {"premature_chronic_mortality", "重大慢性病过早死亡率", "Premature mortality from major chronic diseases", "percent", "健康水平", D_LOWER, 17, 23, -0.02, 0.01, 2, 100, 0, 0, 1},
    {"oop_share", "个人卫生支出占卫生总费用的比重", "Out-of-pocket share of health spending", "percent", "健康保障", D_LOWER, 35, 45, -0.025, 0.015, 2, 100, 0, 0, 1},
    {"fitness_rate", "城乡居民达到《国民体质测定标准》合格以上的人数比例", "Adults meeting the fitness standard", "percent", "健康生活", D_HIGHER, 84, 90, 0.003, 0.003, 2, 100, 0, 0, 1},
    {"vaccination_rate", "适龄儿童免疫规划疫苗接种率", "Childhood vaccination coverage", "percent", "健康服务", D_HIGHER, 88, 96, 0.002, 0.002, 2, 100, 0, 0, 1},
    {"air_quality_days", "地级及以上城市空气质量优良天数比率", "Days of good air quality", "percent", "健康环境", D_HIGHER, 60, 85, 0.01, 0.01, 1, 100, 0, 0, 1},
    {"health_spending", "卫生总费用", "Total health expenditure", "yuan_100m", "健康产业", D_HIGHER, 5, 40, 0.09, 0.03, 2, 0, 1, 0, 0},
    {"green_space", "人均公园绿地面积", "Park space per person", "m2_per_capita", "健康环境", D_HIGHER, 7, 11, 0.03, 0.02, 2, 0, 0, 0, 0},
    {"tb_incidence", "肺结核发病率", "Tuberculosis incidence", "per_100k", "健康水平", D_LOWER, 60, 100, -0.04, 0.02, 2, 0, 0, 0, 0},
    {"elderly_care_beds", "每千名老年人养老床位数", "Elderly care beds per 1000 older people", "per_1000", "健康服务", D_HIGHER, 15, 30, 0.04, 0.02, 2, 0, 0, 0, 0},
};
#define NSPECS ((int)(sizeof SPECS / sizeof SPECS[0]))
#define SPEC_LIFE 0
#define SPEC_PSYCH 3
#define SPEC_POP 2
#define SPEC_HLE 4

typedef struct region {
    char code[32];
    int level;
    int parent;       /* index, -1 for CN */
    int province;     /* index of the province (itself for a province), -1 for CN */
    int prefecture;   /* index of the prefecture (itself), -1 above */
    double size;      /* population scale */
} region;

typedef struct indicator {
    char id[64];
    const spec *sp;
    int group;        /* 0 for the first copy of a spec, 1 … for the next ones */
} indicator;

/* ------------------------------------------------------------- options and output */

static uint64_t g_seed = 1;
static int g_first, g_last;
static region *R;
static int NR;
static indicator *I;
static int NI;

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "hp_gen: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(2);
}

/* Round to `dec` decimals as the value is printed, so that what a reader parses is exact. */
static double roundd(double v, int dec)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", dec, v);
    double r = strtod(buf, NULL);
    return r == 0 ? 0.0 : r; /* no -0 */
}

static void put_num(FILE *f, double v, int dec)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", dec, v);
    fputs(buf, f);
}

/* A shortest round-trip form of a double for JSON. */
static void put_json_num(FILE *f, double v)
{
    char buf[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

/* ------------------------------------------------------------- regions */

static void build_regions(int n)
{
    if (n < 3)
        n = 3;
    int rest = n - 1;
    int np = (int)lround(rest * 31.0 / 3208.0), nf = (int)lround(rest * 333.0 / 3208.0);
    if (np < 1)
        np = 1;
    if (nf < 1)
        nf = 1;
    int nc = rest - np - nf;
    if (nc < 0)
        nc = 0;
    if (np > 89 || nf / np > 98 || (nc && nc / nf > 98))
        die("%s: too many regions for six-digit codes", "--regions");
    NR = 1 + np + nf + nc;
    R = calloc((size_t)NR, sizeof *R);
    /* depth first: CN, then each province followed by its prefectures, each followed by its
     * counties. Prefecture j belongs to province j % np, county k to prefecture k % nf. */
    int *pref_of_prov = calloc((size_t)np, sizeof(int)), *cnt_of_pref = calloc((size_t)nf, sizeof(int));
    int k = 0;
    snprintf(R[k].code, sizeof R[k].code, "CN");
    R[k].level = L_COUNTRY;
    R[k].parent = -1;
    R[k].province = R[k].prefecture = -1;
    R[k].size = 1;
    k++;
    for (int p = 0; p < np; p++) {
        int pi = k++;
        uint64_t s = stream(g_seed, 11, (uint64_t)p, 0);
        snprintf(R[pi].code, sizeof R[pi].code, "%02d0000", 11 + p);
        R[pi].level = L_PROVINCE;
        R[pi].parent = 0;
        R[pi].province = pi;
        R[pi].prefecture = -1;
        R[pi].size = unif2(&s, 0.3, 1.7);
        for (int f = p; f < nf; f += np) {
            int fi = k++;
            int fnum = ++pref_of_prov[p];
            uint64_t s2 = stream(g_seed, 12, (uint64_t)f, 0);
            snprintf(R[fi].code, sizeof R[fi].code, "%02d%02d00", 11 + p, fnum);
            R[fi].level = L_PREFECTURE;
            R[fi].parent = pi;
            R[fi].province = pi;
            R[fi].prefecture = fi;
            R[fi].size = unif2(&s2, 0.3, 1.7);
            for (int c = f; c < nc; c += nf) {
                int ci = k++;
                int cnum = ++cnt_of_pref[f];
                uint64_t s3 = stream(g_seed, 13, (uint64_t)c, 0);
                snprintf(R[ci].code, sizeof R[ci].code, "%02d%02d%02d", 11 + p, fnum, cnum);
                R[ci].level = L_COUNTY;
                R[ci].parent = fi;
                R[ci].province = pi;
                R[ci].prefecture = fi;
                R[ci].size = unif2(&s3, 0.3, 1.7);
            }
        }
    }
    free(pref_of_prov);
    free(cnt_of_pref);
}

static void build_indicators(int m)
{
    NI = m;
    I = calloc((size_t)m, sizeof *I);
    for (int i = 0; i < m; i++) {
        I[i].sp = &SPECS[i % NSPECS];
        I[i].group = i / NSPECS;
        if (I[i].group)
            snprintf(I[i].id, sizeof I[i].id, "%s_%d", I[i].sp->slug, I[i].group + 1);
        else
            snprintf(I[i].id, sizeof I[i].id, "%s", I[i].sp->slug);
    }
}

/* The indicator of spec `sp` in the same group as indicator i, or -1. */
static int sibling(int i, int sp)
{
    int j = I[i].group * NSPECS + sp;
    return j < NI ? j : -1;
}

/* ------------------------------------------------------------- series model */

static double level_scale(int level)
{
    static const double scale[] = {1400.0, 45.0, 4.2, 0.45};
    return scale[level];
}

typedef struct series {
    double base;      /* value in g_first */
    double g;         /* trend */
    int start;        /* first year observed */
    int absent;       /* no observations at all */
} series;

static series series_of(int r, int i)
{
    const spec *sp = I[i].sp;
    uint64_t s = stream(g_seed, 100 + (uint64_t)r, (uint64_t)i, 1);
    series m;
    m.base = unif2(&s, sp->lo, sp->hi);
    if (sp->scaled) {
        double sz = level_scale(R[r].level) * R[r].size;
        if (sp - SPECS == SPEC_POP)
            m.base = 1e6 * sz * unif2(&s, 0.8, 1.2);
        else
            m.base *= sz;
    }
    m.g = sp->trend + sp->sd * normal(&s);
    m.absent = unif(&s) < 0.01;
    m.start = g_first;
    if (unif(&s) < 0.08)
        m.start = g_first + (int)(unif(&s) * 10);
    if (m.start > g_last)
        m.start = g_last;
    return m;
}

/* The series' model value in year y (no noise, not rounded). */
static double model(const series *m, const spec *sp, int y)
{
    double t = y - g_first;
    double v = sp->linear ? m->base + m->g * t : m->base * pow(1 + m->g, t);
    if (sp->cap && v > sp->cap)
        v = sp->cap;
    if (!sp->linear && v < 0)
        v = 0;
    return v;
}

/* ------------------------------------------------------------- observations */

typedef struct row {
    uint32_t r, i;
    int16_t y;
} row;

static void write_row(FILE *f, int r, int i, int y)
{
    const spec *sp = I[i].sp;
    series m = series_of(r, i);
    if (m.absent || y < m.start)
        return;
    uint64_t s = stream(g_seed, 200 + (uint64_t)r, (uint64_t)i, (uint64_t)y);
    double u = unif(&s);
    if (u < 0.02)
        return; /* a year not reported */
    double v = model(&m, sp, y) * (1 + 0.01 * normal(&s));
    if (sp->linear)
        v = model(&m, sp, y) + 0.3 * normal(&s);
    if (sp->cap && v > sp->cap)
        v = sp->cap;
    if (!sp->linear && v < 0)
        v = 0;
    v = roundd(v, sp->decimals);
    const char *status = "A";
    double u2 = unif(&s);
    if (u < 0.035) {
        fprintf(f, "%s,%s,%d,,M\n", R[r].code, I[i].id, y);
        return;
    }
    if (u2 < 0.03)
        status = "P";
    else if (u2 < 0.05)
        status = "E";
    fputs(R[r].code, f);
    fputc(',', f);
    fputs(I[i].id, f);
    fprintf(f, ",%d,", y);
    put_num(f, v, sp->decimals);
    fputc(',', f);
    fputs(status, f);
    fputc('\n', f);
}

static void write_observations(const char *path, const char *order)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s", path);
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n", f);
    int ny = g_last - g_first + 1;
    if (!strcmp(order, "series")) {
        for (int r = 0; r < NR; r++)
            for (int i = 0; i < NI; i++)
                for (int y = g_first; y <= g_last; y++)
                    write_row(f, r, i, y);
    } else if (!strcmp(order, "year")) {
        for (int y = g_first; y <= g_last; y++)
            for (int r = 0; r < NR; r++)
                for (int i = 0; i < NI; i++)
                    write_row(f, r, i, y);
    } else if (!strcmp(order, "shuffle")) {
        size_t n = (size_t)NR * (size_t)NI * (size_t)ny;
        row *rows = malloc(n * sizeof *rows);
        size_t k = 0;
        for (int r = 0; r < NR; r++)
            for (int i = 0; i < NI; i++)
                for (int y = g_first; y <= g_last; y++)
                    rows[k++] = (row){(uint32_t)r, (uint32_t)i, (int16_t)y};
        uint64_t s = stream(g_seed, 300, 0, 0);
        for (size_t j = n; j > 1; j--) {
            size_t q = (size_t)(splitmix64(&s) % j);
            row t = rows[j - 1];
            rows[j - 1] = rows[q];
            rows[q] = t;
        }
        for (size_t j = 0; j < n; j++)
            write_row(f, (int)rows[j].r, (int)rows[j].i, rows[j].y);
        free(rows);
    } else {
        die("unknown --order %s (series, year or shuffle)", order);
    }
    if (fclose(f) != 0)
        die("cannot write %s", path);
}

/* ------------------------------------------------------------- the dataset JSON */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static const char *LEVEL_NAMES[] = {"country", "province", "prefecture", "county"};

static void write_regions(FILE *f)
{
    fputs(",\n \"regions\": [", f);
    for (int r = 0; r < NR; r++) {
        char zh[64], en[64];
        switch (R[r].level) {
        case L_COUNTRY: snprintf(zh, sizeof zh, "中国"); snprintf(en, sizeof en, "China"); break;
        case L_PROVINCE: snprintf(zh, sizeof zh, "第%.2s省", R[r].code); snprintf(en, sizeof en, "Province %.2s", R[r].code); break;
        case L_PREFECTURE: snprintf(zh, sizeof zh, "第%.4s市", R[r].code); snprintf(en, sizeof en, "Prefecture %.4s", R[r].code); break;
        default: snprintf(zh, sizeof zh, "第%s县", R[r].code); snprintf(en, sizeof en, "County %s", R[r].code); break;
        }
        fputs(r ? ",\n  {\"code\": " : "\n  {\"code\": ", f);
        json_str(f, R[r].code);
        fputs(", \"name_zh\": ", f);
        json_str(f, zh);
        fputs(", \"name_en\": ", f);
        json_str(f, en);
        if (R[r].parent >= 0) {
            fputs(", \"parent\": ", f);
            json_str(f, R[R[r].parent].code);
        }
        fprintf(f, ", \"level\": \"%s\"}", LEVEL_NAMES[R[r].level]);
    }
    fputs("]", f);
}

static const char *DIR_NAMES[] = {"higher", "lower", "none"};

static void write_indicators(FILE *f)
{
    fputs(",\n \"indicators\": [", f);
    for (int i = 0; i < NI; i++) {
        const spec *sp = I[i].sp;
        char zh[256], en[256];
        if (I[i].group) {
            snprintf(zh, sizeof zh, "%s%d", sp->zh, I[i].group + 1);
            snprintf(en, sizeof en, "%s %d", sp->en, I[i].group + 1);
        } else {
            snprintf(zh, sizeof zh, "%s", sp->zh);
            snprintf(en, sizeof en, "%s", sp->en);
        }
        fputs(i ? ",\n  {\"id\": " : "\n  {\"id\": ", f);
        json_str(f, I[i].id);
        fputs(", \"name_zh\": ", f);
        json_str(f, zh);
        fputs(", \"name_en\": ", f);
        json_str(f, en);
        fprintf(f, ", \"unit\": \"%s\", \"direction\": \"%s\", \"category\": \"%s\"}", sp->unit,
                DIR_NAMES[sp->dir], sp->category);
    }
    fputs("]", f);
}

typedef struct plan {
    const char *suffix, *title;
    int start, end, base;
} plan;

static const plan PLANS[] = {
    {"14fyp", "“十四五”卫生健康规划", 2021, 2025, 2020},
    {"2030", "健康2030实施意见", 2016, 2030, 2015},
};

static void write_plans(FILE *f)
{
    fputs(",\n \"plans\": [", f);
    int first = 1;
    for (int r = 0; r < NR; r++)
        for (int p = 0; p < 2; p++) {
            fprintf(f, "%s{\"id\": \"%s-%s\", \"title\": \"%s %s\", \"region\": \"%s\", "
                       "\"start\": %d, \"end\": %d, \"baseline_year\": %d, "
                       "\"source\": \"synthetic (hp_gen seed %llu)\"}",
                    first ? "\n  " : ",\n  ", R[r].code, PLANS[p].suffix, R[r].code,
                    PLANS[p].title, R[r].code, PLANS[p].start, PLANS[p].end, PLANS[p].base,
                    (unsigned long long)g_seed);
            first = 0;
        }
    fputs("]", f);
}

/* A number as a plan prints it ("6.5", "8.00" keeps the indicator's decimals). */
static void printed_num(char *out, size_t cap, double v, int dec)
{
    snprintf(out, cap, "%.*f", dec, v);
}

/* Write one rule; `as_printed` receives the phrase. `depth` > 0 inside a composite. */
typedef struct tctx {
    int r, i, year, plan;
    const spec *sp;
    series m;
    double tv;        /* a plausible target value for the year */
    double vbase;     /* model value in the plan's baseline year */
    uint64_t *s;
} tctx;

static const char *scope_zh(const char *scope)
{
    return !strcmp(scope, "province") ? "全省" : !strcmp(scope, "prefecture") ? "全市" : "全国";
}

static int better_dir(const spec *sp) { return sp->dir == D_LOWER ? -1 : 1; }

static void rule_threshold(FILE *f, tctx *c, char *printed, size_t cap)
{
    int d = c->sp->dir == D_NONE ? (unif(c->s) < 0.5 ? 1 : -1) : better_dir(c->sp);
    if (unif(c->s) < 0.08)
        d = -d; /* the odd ceiling on a higher-is-better indicator */
    int strict = unif(c->s) < 0.1;
    const char *kind = d > 0 ? (strict ? "gt" : "ge") : (strict ? "lt" : "le");
    char n[64];
    printed_num(n, sizeof n, c->tv, c->sp->decimals);
    int suffix = unif(c->s) < 0.4;
    if (d > 0)
        snprintf(printed, cap, strict ? (suffix ? "高于%s" : ">%s") : (suffix ? "%s以上" : "≥%s"), n);
    else
        snprintf(printed, cap, strict ? (suffix ? "低于%s" : "<%s") : (suffix ? "%s以下" : "≤%s"), n);
    fprintf(f, "{\"kind\": \"%s\", \"value\": ", kind);
    put_json_num(f, c->tv);
    fputs("}", f);
}

static void rule_value(FILE *f, tctx *c, char *printed, size_t cap)
{
    printed_num(printed, cap, c->tv, c->sp->decimals);
    fputs("{\"kind\": \"value\", \"value\": ", f);
    put_json_num(f, c->tv);
    fputs("}", f);
}

static void rule_about(FILE *f, tctx *c, char *printed, size_t cap)
{
    double tol = unif(c->s) < 0.8 ? 0.02 : 0.05;
    char n[64];
    printed_num(n, sizeof n, c->tv, c->sp->decimals);
    snprintf(printed, cap, "%s左右", n);
    fputs("{\"kind\": \"about\", \"value\": ", f);
    put_json_num(f, c->tv);
    fputs(", \"tolerance\": ", f);
    put_json_num(f, tol);
    fputs("}", f);
}

static void rule_range(FILE *f, tctx *c, char *printed, size_t cap)
{
    double w = unif2(c->s, 0.03, 0.12);
    double lo = roundd(c->tv * (1 - w), c->sp->decimals), hi = roundd(c->tv * (1 + w), c->sp->decimals);
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    char a[64], b[64];
    printed_num(a, sizeof a, lo, c->sp->decimals);
    printed_num(b, sizeof b, hi, c->sp->decimals);
    snprintf(printed, cap, "%s–%s", a, b);
    fputs("{\"kind\": \"range\", \"low\": ", f);
    put_json_num(f, lo);
    fputs(", \"high\": ", f);
    put_json_num(f, hi);
    fputs("}", f);
}

static void rule_change(FILE *f, tctx *c, char *printed, size_t cap)
{
    int with_year = unif(c->s) < 0.7;
    int ref = PLANS[c->plan].base;
    if (with_year && c->plan == 0 && unif(c->s) < 0.3)
        ref = 2015; /* a 14th FYP measuring from the end of the 12th */
    double vref = model(&c->m, c->sp, ref);
    double p = vref > 0 ? (c->tv / vref - 1) : 0;
    p = roundd(p * (1 + unif2(c->s, -0.3, 0.3)), 2);
    if (p == 0)
        p = better_dir(c->sp) > 0 ? 0.05 : -0.05;
    char pc[32];
    snprintf(pc, sizeof pc, "%.0f", fabs(p) * 100);
    if (with_year)
        snprintf(printed, cap, "比%d年%s%s%%", ref, p < 0 ? "降低" : "提高", pc);
    else
        snprintf(printed, cap, "%s%s%%", p < 0 ? "下降" : "提高", pc);
    fputs("{\"kind\": \"change_from\", \"value\": ", f);
    put_json_num(f, p);
    if (with_year)
        fprintf(f, ", \"ref_year\": %d", ref);
    fputs("}", f);
}

static void rule_per_year(FILE *f, tctx *c, char *printed, size_t cap)
{
    int years = c->year - PLANS[c->plan].base;
    if (years < 1)
        years = 1;
    int compound = !c->sp->pp || unif(c->s) < 0.25;
    if (compound) {
        double g = c->vbase > 0 && c->tv > 0 ? pow(c->tv / c->vbase, 1.0 / years) - 1 : 0.01;
        g = roundd(g * (1 + unif2(c->s, -0.3, 0.3)), 3);
        if (g == 0)
            g = better_dir(c->sp) > 0 ? 0.01 : -0.01;
        snprintf(printed, cap, "每年%s%.1f%%", g < 0 ? "降低" : "提高", fabs(g) * 100);
        fputs("{\"kind\": \"per_year\", \"value\": ", f);
        put_json_num(f, g);
        fputs(", \"compound\": true}", f);
    } else {
        double d = (c->tv - c->vbase) / years;
        d = roundd(d * (1 + unif2(c->s, -0.3, 0.3)), 2);
        if (d == 0)
            d = better_dir(c->sp) > 0 ? 0.1 : -0.1;
        snprintf(printed, cap, "力争每年%s%.2f个百分点", d < 0 ? "降低" : "提高", fabs(d));
        fputs("{\"kind\": \"per_year\", \"value\": ", f);
        put_json_num(f, d);
        fputs("}", f);
    }
}

static void rule_refval(FILE *f, tctx *c, char *printed, size_t cap, const char *scope)
{
    static const char *ops[] = {"better", "lt", "gt", "le", "ge"};
    static const char *zh[] = {"优于", "低于", "高于", "不高于", "不低于"};
    int op = unif(c->s) < 0.7 ? 0 : 1 + (int)(unif(c->s) * 4);
    if (c->sp->dir == D_NONE && op == 0)
        op = 4;
    snprintf(printed, cap, "%s%s平均水平", zh[op], scope_zh(scope));
    fprintf(f, "{\"kind\": \"reference_value\", \"op\": \"%s\", \"scope\": \"%s\"}", ops[op], scope);
}

static void write_rule(FILE *f, tctx *c, char *printed, size_t cap)
{
    const spec *sp = c->sp;
    int level = R[c->r].level;
    double u = unif(c->s);
    int sp_index = (int)(sp - SPECS);
    /* resource norms: psychiatric hospitals in counties of 300,000 people */
    if (sp_index == SPEC_PSYCH && level == L_COUNTY && sibling(c->i, SPEC_POP) >= 0 && u < 0.5) {
        fprintf(f, "{\"kind\": \"expr\", \"expr\": \"%s >= 1\", \"when\": \"%s > 300000\"}",
                I[c->i].id, I[sibling(c->i, SPEC_POP)].id);
        snprintf(printed, cap, "常住人口超过30万的县至少设1所精神病专科医院");
        return;
    }
    if (sp_index == SPEC_HLE && sibling(c->i, SPEC_LIFE) >= 0 && u < 0.3) {
        fprintf(f, "{\"kind\": \"same_ratio\", \"indicator\": \"%s\"}", I[sibling(c->i, SPEC_LIFE)].id);
        snprintf(printed, cap, "同比例提高");
        return;
    }
    if (u < 0.42) {
        rule_threshold(f, c, printed, cap);
    } else if (u < 0.60) {
        rule_value(f, c, printed, cap);
    } else if (u < 0.68) {
        rule_about(f, c, printed, cap);
    } else if (u < 0.76) {
        rule_change(f, c, printed, cap);
    } else if (u < 0.81) {
        rule_per_year(f, c, printed, cap);
    } else if (u < 0.87) {
        if (sp->dir == D_NONE) {
            rule_value(f, c, printed, cap);
            return;
        }
        snprintf(printed, cap, "%s", unif(c->s) < 0.5 ? "持续改善" : "持续提升");
        fputs("{\"kind\": \"improve\"}", f);
    } else if (u < 0.91) {
        if (level != L_PREFECTURE && level != L_COUNTY) {
            rule_threshold(f, c, printed, cap);
            return;
        }
        const char *scope = level == L_COUNTY && unif(c->s) < 0.2 ? "prefecture" : "province";
        snprintf(printed, cap, "%s控制目标内", scope_zh(scope));
        fprintf(f, "{\"kind\": \"reference_target\", \"scope\": \"%s\"}", scope);
    } else if (u < 0.94) {
        if (level == L_COUNTRY) {
            rule_value(f, c, printed, cap);
            return;
        }
        rule_refval(f, c, printed, cap, level == L_COUNTY && unif(c->s) < 0.2 ? "prefecture" : "province");
    } else if (u < 0.96) {
        rule_range(f, c, printed, cap);
    } else if (u < 0.975 && level != L_COUNTRY && sp->dir != D_NONE) {
        char a[96], b[96];
        fputs("{\"kind\": \"any\", \"rules\": [", f);
        rule_about(f, c, a, sizeof a);
        fputs(", ", f);
        rule_refval(f, c, b, sizeof b, "province");
        fputs("]}", f);
        snprintf(printed, cap, "%s或%s", a, b);
    } else if (u < 0.985) {
        double lo = roundd(c->tv * 0.9, sp->decimals), hi = roundd(c->tv * 1.1, sp->decimals);
        if (lo > hi) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        char a[64], b[64];
        printed_num(a, sizeof a, lo, sp->decimals);
        printed_num(b, sizeof b, hi, sp->decimals);
        snprintf(printed, cap, "≥%s且≤%s", a, b);
        fputs("{\"kind\": \"all\", \"rules\": [{\"kind\": \"ge\", \"value\": ", f);
        put_json_num(f, lo);
        fputs("}, {\"kind\": \"le\", \"value\": ", f);
        put_json_num(f, hi);
        fputs("}]}", f);
    } else {
        static const char *words[] = {"显著下降", "明显改善", "基本建立", "全面建成", "有效控制"};
        const char *w = words[(int)(unif(c->s) * 5)];
        snprintf(printed, cap, "%s", w);
        fprintf(f, "{\"kind\": \"qualitative\", \"text\": \"%s\"}", w);
    }
}

static size_t write_targets(FILE *f)
{
    static const char *natures[] = {"binding", "expected"};
    fputs(",\n \"targets\": [", f);
    size_t count = 0;
    for (int r = 0; r < NR; r++)
        for (int p = 0; p < 2; p++) {
            int row_no = 0;
            for (int i = 0; i < NI; i++) {
                const spec *sp = I[i].sp;
                series m = series_of(r, i);
                uint64_t s = stream(g_seed, 400 + (uint64_t)r, (uint64_t)i, (uint64_t)p);
                int years[2], ny = 0;
                if (p == 0) {
                    if (unif(&s) < 0.95)
                        years[ny++] = 2025;
                } else {
                    if (unif(&s) < 0.8)
                        years[ny++] = 2020;
                    if (unif(&s) < 0.8)
                        years[ny++] = 2030;
                }
                if (!ny)
                    continue;
                row_no++;
                for (int k = 0; k < ny; k++) {
                    tctx c;
                    c.r = r;
                    c.i = i;
                    c.year = years[k];
                    c.plan = p;
                    c.sp = sp;
                    c.m = m;
                    c.s = &s;
                    c.vbase = model(&m, sp, PLANS[p].base);
                    /* ambition: from a little behind to a little ahead of the trend */
                    double a = unif2(&s, -0.06, 0.10);
                    double vt = model(&m, sp, c.year);
                    if (sp->linear)
                        c.tv = vt + a * 3;
                    else
                        c.tv = sp->dir == D_LOWER ? vt * (1 - a) : vt * (1 + a);
                    if (sp->cap && c.tv > sp->cap)
                        c.tv = sp->cap;
                    c.tv = roundd(c.tv, sp->decimals);
                    char id[32];
                    if (p == 0)
                        snprintf(id, sizeof id, "%d", row_no);
                    else
                        snprintf(id, sizeof id, "%d-%d", row_no, c.year);
                    fprintf(f, "%s{\"plan\": \"%s-%s\", \"id\": \"%s\", \"indicator\": ",
                            count ? ",\n  " : "\n  ", R[r].code, PLANS[p].suffix, id);
                    json_str(f, I[i].id);
                    fprintf(f, ", \"year\": %d, \"rule\": ", c.year);
                    char printed[256];
                    write_rule(f, &c, printed, sizeof printed);
                    double un = unif(&s);
                    if (un < 0.9)
                        fprintf(f, ", \"nature\": \"%s\"", natures[un < 0.3 ? 0 : 1]);
                    fputs(", \"as_printed\": ", f);
                    json_str(f, printed);
                    fprintf(f, ", \"source\": \"synthetic: %s-%s table, row %d\"}", R[r].code,
                            PLANS[p].suffix, row_no);
                    count++;
                }
            }
        }
    fputs("]", f);
    return count;
}

static size_t write_dataset(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s", path);
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("{\"format\": \"healthplan/1\"", f);
    write_regions(f);
    write_indicators(f);
    write_plans(f);
    size_t n = write_targets(f);
    fputs("\n}\n", f);
    if (fclose(f) != 0)
        die("cannot write %s", path);
    return n;
}

/* ------------------------------------------------------------- main */

static long arg_long(const char *name, const char *v, long lo, long hi)
{
    char *end;
    errno = 0;
    long x = strtol(v ? v : "", &end, 10);
    if (!v || *end || errno || x < lo || x > hi)
        die("bad value for %s", name);
    return x;
}

int main(int argc, char **argv)
{
    long regions = 3200, indicators = 100, years = 20, last = 2024;
    const char *out = NULL, *order = "series";
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
        if (!strcmp(a, "--regions")) regions = arg_long(a, v, 3, 100000), k++;
        else if (!strcmp(a, "--indicators")) indicators = arg_long(a, v, 1, 100000), k++;
        else if (!strcmp(a, "--years")) years = arg_long(a, v, 1, 100), k++;
        else if (!strcmp(a, "--last-year")) last = arg_long(a, v, 1960, 2100), k++;
        else if (!strcmp(a, "--seed")) g_seed = (uint64_t)arg_long(a, v, 0, 0x7fffffffL), k++;
        else if (!strcmp(a, "--order")) order = v, k++;
        else if (!strcmp(a, "--out")) out = v, k++;
        else {
            fprintf(stderr,
                    "usage: hp_gen [--regions N] [--indicators M] [--years Y] [--last-year L] "
                    "[--seed S] [--order series|year|shuffle] --out DIR\n");
            return 2;
        }
    }
    if (!out)
        die("%s is required", "--out");
    if (!order)
        die("%s needs a value", "--order");
    g_last = (int)last;
    g_first = (int)(last - years + 1);
    if (g_first < 1949)
        die("%s: the first year would be before 1949", "--years");
    mkdir(out, 0755);
    build_regions((int)regions);
    build_indicators((int)indicators);
    char path[4096];
    snprintf(path, sizeof path, "%s/dataset.json", out);
    size_t nt = write_dataset(path);
    snprintf(path, sizeof path, "%s/observations.csv", out);
    write_observations(path, order);
    fprintf(stderr, "hp_gen: %d regions, %d indicators, %d years (%d–%d), %zu targets -> %s\n", NR,
            NI, g_last - g_first + 1, g_first, g_last, nt, out);
    free(R);
    free(I);
    return 0;
}
