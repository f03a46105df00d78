/* hp_bench: phase timings of libhealthplan on a generated dataset (bench/gen.c).
 *
 *   hp_bench DIR [--runs N] [--threads T] [--no-extras]
 *       load DIR/dataset.json and DIR/observations.csv, evaluate, write the results as CSV;
 *       N runs (default 5), medians reported; T is the largest thread count tried (default 2)
 *   hp_bench DIR --heap
 *       one run under a counting allocator (hp_set_allocator): the library's heap at its peak
 *       while the observations CSV loads, per observation, and the committed store's size
 *
 * Every figure is printed as "key value unit" lines (machine-readable, docs/performance.md
 * quotes them), after a human-readable table. The physical limits printed beside each phase:
 *   read_*       reading the file from the page cache with read(2) into one buffer
 *   scan_stream  summing every observation's value and year (the columns, streamed)
 *   scan_probe   for every target, the hash probe of its series and a read of its last value
 *                (the least an evaluation must touch), one thread
 * Beside the wall-clock seconds, CPU seconds per phase (all threads) are printed: on a shared
 * machine they are less disturbed by other processes. For instruction counts, run a phase
 * under valgrind --tool=callgrind (docs/performance.md).
 * Linux only (VmHWM, /proc/self/clear_refs).
 */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dataset_internal.h"
#include "healthplan.h"

#define MAX_RUNS 64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the process, every thread included: less disturbed than wall time by other
 * processes on a shared machine (hardware counters are often unavailable in VMs). */
static void instr_open(void) {}
static double instr(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    double tmp[MAX_RUNS];
    memcpy(tmp, v, (size_t)n * sizeof *v);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* kB value of a /proc/self/status line ("VmHWM:", "VmRSS:"). */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl)) {
            v = strtol(line + kl, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* Reset VmHWM to the current RSS (Linux ≥ 4.0). */
static int reset_hwm(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd < 0)
        return -1;
    int ok = write(fd, "5", 1) == 1;
    close(fd);
    return ok ? 0 : -1;
}

static void die(const char *what)
{
    const hp_error *e = hp_error_last();
    fprintf(stderr, "hp_bench: %s: %s (%s:%d:%d)\n", what, e->message, e->file ? e->file : "",
            e->line, e->column);
    exit(1);
}

static size_t file_size(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "hp_bench: cannot stat %s\n", path);
        exit(1);
    }
    return (size_t)sb.st_size;
}

/* Read a file with read(2) into a buffer: the page-cache limit of any loader. */
static double read_time(const char *path, size_t size)
{
    char *buf = malloc(size + 1);
    int fd = open(path, O_RDONLY);
    if (!buf || fd < 0) {
        fprintf(stderr, "hp_bench: cannot read %s\n", path);
        exit(1);
    }
    double t0 = now();
    size_t off = 0;
    ssize_t got;
    while ((got = read(fd, buf + off, size - off)) > 0)
        off += (size_t)got;
    double t = now() - t0;
    /* touch the buffer so the read cannot be elided */
    volatile char sink = buf[off ? off - 1 : 0];
    (void)sink;
    close(fd);
    free(buf);
    return t;
}

/* ---- physical limits of evaluation over the store ---- */

static double scan_stream(const hp_dataset *ds, double *sum_out)
{
    const hp__obs_store *o = &ds->obs;
    double t0 = now();
    double s = 0;
    long ys = 0;
    for (size_t i = 0; i < o->n; i++) {
        s += o->value[i] == o->value[i] ? o->value[i] : 0;
        ys += o->year[i] + o->flags[i];
    }
    double t = now() - t0;
    *sum_out = s + (double)ys + (double)o->n;
    return t;
}

static double scan_probe(const hp_dataset *ds, double *sum_out)
{
    size_t n = hp_dataset_target_count(ds);
    double t0 = now();
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        const hp_target *t = hp_dataset_target_at(ds, i);
        const hp__series *se = hp__series_find(ds, t->region->index, t->indicator->index);
        if (se && se->count)
            s += ds->obs.value[se->start + se->count - 1] + ds->obs.year[se->start];
    }
    double t = now() - t0;
    *sum_out = s;
    return t;
}

/* ---- the counting allocator (--heap) ---- */

static size_t g_cur, g_peak;
typedef union hdr {
    size_t n;
    max_align_t align;
} hdr;

static void *c_malloc(size_t n, void *ctx)
{
    (void)ctx;
    hdr *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->n = n;
    g_cur += n;
    if (g_cur > g_peak)
        g_peak = g_cur;
    return h + 1;
}

static void c_free(void *p, void *ctx)
{
    (void)ctx;
    if (!p)
        return;
    hdr *h = (hdr *)p - 1;
    g_cur -= h->n;
    free(h);
}

static void *c_realloc(void *p, size_t n, void *ctx)
{
    if (!p)
        return c_malloc(n, ctx);
    hdr *h = (hdr *)p - 1;
    size_t old = h->n;
    hdr *nh = realloc(h, sizeof *nh + n);
    if (!nh)
        return NULL;
    nh->n = n;
    g_cur = g_cur - old + n;
    if (g_cur > g_peak)
        g_peak = g_cur;
    return nh + 1;
}

static size_t store_bytes(const hp_dataset *ds)
{
    const hp__obs_store *o = &ds->obs;
    return o->n * (sizeof *o->year + sizeof *o->value + sizeof *o->flags + sizeof *o->source +
                   sizeof *o->note) +
           o->nseries * sizeof *o->series + o->index.cap * sizeof *o->index.slots;
}

static int heap_mode(const char *json, const char *csv)
{
    hp_allocator a = {c_malloc, c_realloc, c_free, NULL};
    hp_set_allocator(&a);
    hp_dataset *ds;
    if (hp_dataset_new(&ds) != HP_OK || hp_dataset_load(ds, json) != HP_OK)
        die("loading the JSON dataset");
    size_t before = g_cur, peak_json = g_peak;
    g_peak = g_cur;
    long rss0 = status_kb("VmRSS:");
    reset_hwm();
    if (hp_dataset_load(ds, csv) != HP_OK)
        die("loading the observations");
    long hwm = status_kb("VmHWM:");
    size_t n = hp_dataset_observation_count(ds);
    size_t peak = g_peak - before, after = g_cur - before;
    printf("heap_json_dataset %.1f MB\n", (double)peak_json / 1e6);
    printf("heap_targets_per_target %.1f B\n",
           (double)before / (double)hp_dataset_target_count(ds));
    printf("observations %zu\n", n);
    printf("heap_csv_peak_per_obs %.1f B\n", (double)peak / (double)n);
    printf("heap_csv_after_per_obs %.1f B\n", (double)after / (double)n);
    printf("store_per_obs %.1f B\n", (double)store_bytes(ds) / (double)n);
    printf("rss_csv_peak_per_obs %.1f B\n", (double)(hwm - rss0) * 1024.0 / (double)n);
    hp_dataset_free(ds);
    return 0;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hp_bench DIR [--runs N] [--threads T] [--no-extras] | DIR --heap\n");
        return 2;
    }
    const char *dir = argv[1];
    int runs = 5, maxthreads = 2, extras = 1, heap = 0;
    for (int k = 2; k < argc; k++) {
        if (!strcmp(argv[k], "--runs") && k + 1 < argc)
            runs = atoi(argv[++k]);
        else if (!strcmp(argv[k], "--threads") && k + 1 < argc)
            maxthreads = atoi(argv[++k]);
        else if (!strcmp(argv[k], "--no-extras"))
            extras = 0;
        else if (!strcmp(argv[k], "--heap"))
            heap = 1;
        else {
            fprintf(stderr, "hp_bench: unknown argument %s\n", argv[k]);
            return 2;
        }
    }
    if (runs < 1 || runs > MAX_RUNS || maxthreads < 1 || maxthreads > 64) {
        fprintf(stderr, "hp_bench: --runs 1..%d, --threads 1..64\n", MAX_RUNS);
        return 2;
    }
    char json[4096], csv[4096];
    snprintf(json, sizeof json, "%s/dataset.json", dir);
    snprintf(csv, sizeof csv, "%s/observations.csv", dir);
    if (heap)
        return heap_mode(json, csv);
    size_t json_size = file_size(json), csv_size = file_size(csv);

    double t_read_json[MAX_RUNS], t_read_csv[MAX_RUNS], t_json[MAX_RUNS], t_csv[MAX_RUNS];
    double t_eval[65][MAX_RUNS], t_write[65][MAX_RUNS], t_stream[MAX_RUNS], t_probe[MAX_RUNS];
    double t_free[MAX_RUNS], t_whole[MAX_RUNS], t_whole_mt[MAX_RUNS];
    double i_json[MAX_RUNS], i_csv[MAX_RUNS], i_eval[65][MAX_RUNS], i_write[65][MAX_RUNS];
    double rss_csv = 0;
    size_t nobs = 0, ntargets = 0, out_len = 0;
    size_t status[HP_STATUS_COUNT] = {0};
    volatile double sink = 0;
    long rss_start = status_kb("VmRSS:");
    instr_open();
#define PHASE(tarr, iarr, code)                                                            \
    do {                                                                                   \
        double i0_ = instr(), t0_ = now();                                                 \
        code;                                                                              \
        tarr[run] = now() - t0_;                                                           \
        iarr[run] = instr() - i0_;                                                         \
    } while (0)

    for (int run = 0; run < runs; run++) {
        t_read_json[run] = read_time(json, json_size);
        t_read_csv[run] = read_time(csv, csv_size);

        hp_dataset *ds;
        PHASE(t_json, i_json, {
            if (hp_dataset_new(&ds) != HP_OK || hp_dataset_load(ds, json) != HP_OK)
                die("loading the JSON dataset");
        });

        long rss0 = status_kb("VmRSS:");
        reset_hwm();
        PHASE(t_csv, i_csv, {
            if (hp_dataset_load(ds, csv) != HP_OK)
                die("loading the observations");
        });
        long hwm = status_kb("VmHWM:");
        nobs = hp_dataset_observation_count(ds);
        ntargets = hp_dataset_target_count(ds);
        if (run == 0)
            rss_csv = (double)(hwm - rss0) * 1024.0 / (double)nobs;

        hp_results *res = NULL;
        for (int th = 1; th <= maxthreads; th++) {
            hp_eval_options o = HP_EVAL_OPTIONS_INIT;
            o.threads = th;
            if (res)
                hp_results_free(res);
            PHASE(t_eval[th], i_eval[th], {
                if (hp_evaluate(ds, &o, &res) != HP_OK)
                    die("evaluating");
            });
            /* the results as CSV: written with the evaluation's threads */
            char *text;
            PHASE(t_write[th], i_write[th], {
                if (hp_results_write(res, HP_RESULTS_CSV, &text, &out_len) != HP_OK)
                    die("writing the results");
                FILE *f = fopen("/dev/null", "w");
                fwrite(text, 1, out_len, f);
                fclose(f);
            });
            hp_free(text);
        }
        /* results of the last evaluation (every thread count gives the same) */
        hp_results_count_status(res, NULL, -1, NULL, status);

        double acc;
        t_stream[run] = scan_stream(ds, &acc);
        sink += acc;
        t_probe[run] = scan_probe(ds, &acc);
        sink += acc;

        double t0 = now();
        hp_results_free(res);
        hp_dataset_free(ds);
        t_free[run] = now() - t0;
        t_whole[run] = t_json[run] + t_csv[run] + t_eval[1][run] + t_write[1][run];
        t_whole_mt[run] = t_json[run] + t_csv[run] + t_eval[maxthreads][run] + t_write[maxthreads][run];
    }
    long hwm_total = status_kb("VmHWM:");

    /* compare and audit, once each on a fresh dataset */
    double t_compare = NAN, t_audit = NAN;
    size_t nfindings = 0, store = 0;
    if (extras) {
        hp_dataset *ds;
        const char *paths[2] = {json, csv};
        if (hp_dataset_new(&ds) != HP_OK || hp_dataset_load_files(ds, paths, 2, NULL) != HP_OK)
            die("loading");
        store = store_bytes(ds);
        const char *regions[64];
        size_t nr = 0;
        for (size_t i = 0; i < hp_dataset_region_count(ds) && nr < 64; i++) {
            const hp_region *r = hp_dataset_region_at(ds, i);
            if (hp_region_level(r) <= HP_LEVEL_PROVINCE)
                regions[nr++] = hp_region_code(r);
        }
        hp_compare_options co = HP_COMPARE_OPTIONS_INIT;
        co.regions = regions;
        co.nregions = nr;
        hp_comparison *cmp;
        double t0 = now();
        if (hp_compare(ds, &co, &cmp) != HP_OK)
            die("comparing");
        t_compare = now() - t0;
        hp_comparison_free(cmp);
        hp_audit_report *rep;
        t0 = now();
        if (hp_audit(ds, NULL, &rep) != HP_OK)
            die("auditing");
        t_audit = now() - t0;
        nfindings = hp_audit_count(rep);
        hp_audit_free(rep);
        hp_dataset_free(ds);
    }

    double mj = median(t_json, runs), mc = median(t_csv, runs);
    double mrj = median(t_read_json, runs), mrc = median(t_read_csv, runs);
    double ms = median(t_stream, runs), mp = median(t_probe, runs);
    printf("hp_bench %s: %zu targets, %zu observations, %d runs (medians)\n", dir, ntargets, nobs,
           runs);
    printf("statuses: achieved %zu, not_achieved %zu, on_track %zu, off_track %zu, no_data %zu, "
           "not_assessable %zu\n",
           status[0], status[1], status[2], status[3], status[4], status[5]);
    printf("%-36s %9s %16s %12s\n", "phase", "seconds", "rate", "CPU s");
    printf("%-36s %9.3f %11.0f MB/s\n", "read dataset.json (page cache)", mrj, json_size / 1e6 / mrj);
    printf("%-36s %9.3f %11.0f MB/s %12.3f\n", "load dataset.json", mj, json_size / 1e6 / mj,
           median(i_json, runs));
    printf("%-36s %9.3f %11.0f MB/s\n", "read observations.csv (page cache)", mrc, csv_size / 1e6 / mrc);
    printf("%-36s %9.3f %11.0f MB/s %12.3f\n", "load observations.csv", mc, csv_size / 1e6 / mc,
           median(i_csv, runs));
    for (int th = 1; th <= maxthreads; th++) {
        double me = median(t_eval[th], runs);
        char name[64];
        snprintf(name, sizeof name, "evaluate, %d thread%s", th, th > 1 ? "s" : "");
        printf("%-36s %9.3f %9.2f M tgt/s %12.3f\n", name, me, ntargets / 1e6 / me,
               median(i_eval[th], runs));
    }
    printf("%-36s %9.3f %9.2f M tgt/s\n", "limit: probe each target's series", mp, ntargets / 1e6 / mp);
    printf("%-36s %9.3f %9.0f M obs/s\n", "limit: stream the columns", ms, nobs / 1e6 / ms);
    for (int th = 1; th <= maxthreads; th += maxthreads > 1 ? maxthreads - 1 : 1) {
        double mw = median(t_write[th], runs);
        char name[64];
        snprintf(name, sizeof name, "write results CSV, %d thread%s", th, th > 1 ? "s" : "");
        printf("%-36s %9.3f %11.0f MB/s %12.3f\n", name, mw, out_len / 1e6 / mw,
               median(i_write[th], runs));
    }
    printf("%-36s %9.3f\n", "free", median(t_free, runs));
    printf("%-36s %9.3f\n", "whole run, 1 thread (json+csv+eval+write)", median(t_whole, runs));
    if (maxthreads > 1)
        printf("%-36s %9.3f\n", "whole run, eval+write on threads", median(t_whole_mt, runs));
    if (extras) {
        printf("%-36s %9.3f\n", "compare (CN + provinces)", t_compare);
        printf("%-36s %9.3f   (%zu findings)\n", "audit (whole dataset)", t_audit, nfindings);
    }
    printf("memory: peak RSS growth while loading the CSV %.1f B/obs; store %.1f B/obs; "
           "process VmHWM %.0f MB (%.1f B/obs)\n",
           rss_csv, store ? (double)store / nobs : NAN, hwm_total / 1024.0,
           (hwm_total - rss_start) * 1024.0 / nobs);
    /* machine-readable */
    printf("\nkey value unit\n");
    printf("targets %zu count\nobservations %zu count\n", ntargets, nobs);
    printf("json_bytes %zu B\ncsv_bytes %zu B\n", json_size, csv_size);
    printf("read_json %.4f s\nload_json %.4f s\nread_csv %.4f s\nload_csv %.4f s\n", mrj, mj, mrc, mc);
    printf("load_json_cpu %.4f s\nload_csv_cpu %.4f s\n", median(i_json, runs),
           median(i_csv, runs));
    printf("load_csv_rate %.1f MB/s\nread_csv_rate %.1f MB/s\n", csv_size / 1e6 / mc, csv_size / 1e6 / mrc);
    for (int th = 1; th <= maxthreads; th++) {
        double me = median(t_eval[th], runs);
        printf("eval_%dt %.4f s\neval_%dt_rate %.3f Mtargets/s\neval_%dt_cpu %.4f s\n", th,
               me, th, ntargets / 1e6 / me, th, median(i_eval[th], runs));
    }
    printf("scan_probe %.4f s\nscan_stream %.4f s\n", mp, ms);
    for (int th = 1; th <= maxthreads; th++)
        printf("write_csv_%dt %.4f s\nwrite_csv_%dt_cpu %.4f s\n", th, median(t_write[th], runs), th,
               median(i_write[th], runs));
    printf("results_csv_bytes %zu B\n", out_len);
    printf("whole_1t %.4f s\nwhole_%dt %.4f s\n", median(t_whole, runs), maxthreads,
           median(t_whole_mt, runs));
    if (extras)
        printf("compare %.4f s\naudit %.4f s\n", t_compare, t_audit);
    printf("rss_csv_per_obs %.1f B\nstore_per_obs %.1f B\nvmhwm %.1f MB\n", rss_csv,
           store ? (double)store / nobs : NAN, hwm_total / 1024.0);
    if (sink == 12345.678)
        printf("(sink)\n");
    return 0;
}
