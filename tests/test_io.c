/* io.h: JSON and CSV loading, located errors, all-or-nothing, saving. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const char *BASE =
    "{\"format\": \"healthplan/1\",\n"
    " \"regions\": [{\"code\": \"430000\", \"name_zh\": \"湖南省\", \"level\": \"province\"},\n"
    "             {\"code\": \"430900\", \"name_zh\": \"益阳市\", \"parent\": \"430000\", \"level\": \"prefecture\"}],\n"
    " \"indicators\": [{\"id\": \"infant_mortality\", \"name_zh\": \"婴儿死亡率\", \"unit\": \"permille\",\n"
    "                  \"direction\": \"lower\", \"aliases\": [\"婴儿死亡率（‰）\"]},\n"
    "                 {\"id\": \"beds_per_1000\", \"name_zh\": \"每千人口医疗卫生机构床位数\", \"unit\": \"per_1000\", \"direction\": \"higher\"}],\n"
    " \"plans\": [{\"id\": \"yiyang-13fyp\", \"region\": \"430900\", \"start\": 2016, \"end\": 2020, \"baseline_year\": 2015}],\n"
    " \"targets\": [{\"plan\": \"yiyang-13fyp\", \"id\": \"3\", \"indicator\": \"infant_mortality\", \"year\": 2020,\n"
    "               \"rule\": {\"kind\": \"le\", \"value\": 6.5}, \"nature\": \"expected\", \"as_printed\": \"≤6.5\",\n"
    "               \"source\": \"000_a51199b982b88bfe.txt, row 3\"}],\n"
    " \"observations\": [{\"region\": \"430900\", \"indicator\": \"infant_mortality\", \"year\": 2020, \"value\": 2.82,\n"
    "                    \"source\": \"000_a51199b982b88bfe.txt, row 3\"}]}\n";

static hp_dataset *base(void)
{
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, BASE, strlen(BASE), "base.json"));
    return ds;
}

/* Load `text` expecting failure `code` at line:column with `frag` in the message, and check
 * the dataset did not change. */
static void expect_fail(int json, const char *text, int code, int line, int column,
                        const char *frag)
{
    hp_dataset *ds = base();
    char *before = hpt_dump(ds);
    int rc = json ? hp_dataset_load_json_buffer(ds, text, strlen(text), "bad.json")
                  : hp_dataset_load_csv_buffer(ds, text, strlen(text), "bad.csv");
    const hp_error *e = hp_error_last();
    cr_assert(eq(int, rc, code), "rc %d (%s), expected %d: %s", rc, hp_strerror(rc), code,
              e->message);
    cr_assert(eq(str, (char *)e->file, json ? "bad.json" : "bad.csv"));
    cr_assert(eq(int, e->line, line), "line %d, expected %d: %s", e->line, line, e->message);
    cr_assert(eq(int, e->column, column), "column %d, expected %d: %s", e->column, column,
              e->message);
    cr_assert(strstr(e->message, frag) != NULL, "message \"%s\" lacks \"%s\"", e->message, frag);
    char *after = hpt_dump(ds);
    cr_assert(eq(str, after, before), "the dataset changed after a failed load");
    hp_free(before);
    hp_free(after);
    hp_dataset_free(ds);
}

Test(json, loads_records_with_their_fields)
{
    hp_dataset *ds = base();
    cr_assert(eq(sz, hp_dataset_region_count(ds), 2));
    cr_assert(eq(sz, hp_dataset_target_count(ds), 1));
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "infant_mortality", 2020, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 2.82, 1));
    cr_assert(eq(str, (char *)o.source, "000_a51199b982b88bfe.txt, row 3"));
    hp_dataset_free(ds);
}

Test(json, malformed_json_is_located)
{
    expect_fail(1, "{\"format\": \"healthplan/1\",\n \"regions\": [{\"code\": \"CN\",}]}", HP_EPARSE,
                2, 28, "malformed JSON in regions[0]");
    expect_fail(1, "{\"format\": \"healthplan/1\",\n \"regions\": [\n", HP_EPARSE, 3, 1,
                "expected a value");
    expect_fail(1, "{\"format\": \"healthplan/1\", \"regions\": [{\"code\": \"CN\"", HP_EPARSE, 1,
                40, "never closed");
    expect_fail(1, "[1, 2]", HP_EPARSE, 1, 1, "expected a JSON object");
    expect_fail(1, "{\"format\": \"healthplan/1\"} x", HP_EPARSE, 1, 28, "after the dataset object");
}

Test(json, wrong_types_name_the_field_and_its_place)
{
    const char *t = "{\"format\": \"healthplan/1\", \"targets\": [\n"
                    "  {\"plan\": \"yiyang-13fyp\", \"id\": \"x\", \"indicator\": \"infant_mortality\",\n"
                    "   \"year\": \"2020\", \"rule\": {\"kind\": \"le\", \"value\": 6}}]}";
    expect_fail(1, t, HP_EVALIDATE, 3, 12, "\"year\" must be a number, found a string");
    hp_dataset *ds = base();
    hp_dataset_load_json_buffer(ds, t, strlen(t), "bad.json");
    cr_assert(eq(str, (char *)hp_error_last()->field, "targets[0].year"));
    hp_dataset_free(ds);
}

Test(json, bad_rule_field_is_located_inside_the_rule)
{
    const char *t = "{\"format\": \"healthplan/1\", \"targets\": [\n"
                    "  {\"plan\": \"yiyang-13fyp\", \"id\": \"x\", \"indicator\": \"infant_mortality\", \"year\": 2020,\n"
                    "   \"rule\": {\"kind\": \"lee\", \"value\": 6}}]}";
    expect_fail(1, t, HP_EVALIDATE, 3, 21, "did you mean \"le\"");
}

Test(json, unknown_reference_suggests_and_is_located)
{
    const char *t = "{\"format\": \"healthplan/1\", \"targets\": [\n"
                    "  {\"plan\": \"yiyang-13fyp\", \"id\": \"4\",\n"
                    "   \"indicator\": \"infant_mortalty\", \"year\": 2020, \"rule\": {\"kind\": \"le\", \"value\": 9}}]}";
    expect_fail(1, t, HP_ENOTFOUND, 3, 17,
                "unknown indicator \"infant_mortalty\" (did you mean \"infant_mortality\"?)");
    const char *o = "{\"format\": \"healthplan/1\", \"observations\": [\n"
                    "  {\"region\": \"430901\", \"indicator\": \"infant_mortality\", \"year\": 2019, \"value\": 3}]}";
    expect_fail(1, o, HP_ENOTFOUND, 2, 14, "unknown region \"430901\" (did you mean \"430900\"?)");
}

Test(json, references_resolve_across_files_of_one_load)
{
    /* the target comes before its plan and indicator, in another file */
    const char *a = "{\"format\": \"healthplan/1\", \"targets\": [{\"plan\": \"p\", \"id\": \"1\", "
                    "\"indicator\": \"i\", \"year\": 2025, \"rule\": {\"kind\": \"ge\", \"value\": 1}}]}";
    const char *b = "{\"format\": \"healthplan/1\", \"regions\": [{\"code\": \"CN\"}], "
                    "\"indicators\": [{\"id\": \"i\"}], \"plans\": [{\"id\": \"p\", \"region\": \"CN\"}]}";
    char pa[] = "/tmp/hp_test_a_XXXXXX", pb[] = "/tmp/hp_test_b_XXXXXX";
    int fa = mkstemp(pa), fb = mkstemp(pb);
    cr_assert(fa >= 0 && fb >= 0);
    cr_assert(eq(long, (long)write(fa, a, strlen(a)), (long)strlen(a)));
    cr_assert(eq(long, (long)write(fb, b, strlen(b)), (long)strlen(b)));
    close(fa);
    close(fb);
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    const char *paths[] = {pa, pb};
    HP_ASSERT_OK(hp_dataset_load_files(ds, paths, 2, NULL));
    cr_assert(eq(sz, hp_dataset_target_count(ds), 1));
    hp_dataset_free(ds);
    unlink(pa);
    unlink(pb);
}

Test(json, conflicting_duplicate_names_both_places)
{
    const char *t = "{\"format\": \"healthplan/1\",\n"
                    " \"observations\": [{\"region\": \"430900\", \"indicator\": \"infant_mortality\", "
                    "\"year\": 2020, \"value\": 2.9}]}";
    expect_fail(1, t, HP_EEXISTS, 2, 19,
                "observation of infant_mortality in 430900 for 2020 is 2.9 here but 2.82 was already loaded");
    const char *r = "{\"format\": \"healthplan/1\",\n \"regions\": [{\"code\": \"430900\", \"name_zh\": \"益阳\"}]}";
    expect_fail(1, r, HP_EEXISTS, 2, 14, "already defined differently at base.json:3:14");
}

Test(json, identical_duplicates_merge)
{
    hp_dataset *ds = base();
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, BASE, strlen(BASE), "again.json"));
    cr_assert(eq(sz, hp_dataset_target_count(ds), 1));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 1));
    hp_dataset_free(ds);
}

Test(json, years_and_values_are_checked)
{
    expect_fail(1, "{\"observations\": [{\"region\": \"430900\", \"indicator\": \"infant_mortality\", "
                   "\"year\": 1900, \"value\": 1}]}",
                HP_ERANGE, 1, 81, "year 1900 is outside 1949–2100");
    expect_fail(1, "{\"observations\": [{\"region\": \"430900\", \"indicator\": \"infant_mortality\", "
                   "\"year\": 2021, \"value\": NaN}]}",
                HP_EPARSE, 1, 96, "malformed JSON");
    expect_fail(1, "{\"observations\": [{\"region\": \"430900\", \"indicator\": \"infant_mortality\", "
                   "\"year\": 2021.5, \"value\": 1}]}",
                HP_EVALIDATE, 1, 81, "whole year");
    expect_fail(1, "{\"observations\": [{\"region\": \"430900\", \"indicator\": \"infant_mortality\", "
                   "\"year\": 2021}]}",
                HP_EVALIDATE, 1, 19, "needs a \"value\" or a \"verdict\"");
}

Test(json, invalid_utf8_and_nul_are_refused)
{
    expect_fail(1, "{\"regions\": [{\"code\": \"X\", \"name_zh\": \"\xE7\x9B\"}]}", HP_EPARSE, 1, 40,
                "invalid UTF-8");
    hp_dataset *ds = base();
    const char nul[] = "{\"regions\": []}\0";
    cr_assert(eq(int, hp_dataset_load_json_buffer(ds, nul, sizeof nul - 1, "n.json"), HP_EPARSE));
    HP_ASSERT_MSG("NUL byte");
    cr_assert(eq(int, hp_dataset_load_json_buffer(ds, "", 0, "empty.json"), HP_EPARSE));
    HP_ASSERT_MSG("empty");
    hp_dataset_free(ds);
}

Test(json, deep_nesting_is_refused_not_recursed)
{
    size_t n = 100000;
    char *t = malloc(n * 2 + 64);
    strcpy(t, "{\"x\": ");
    size_t k = strlen(t);
    for (size_t i = 0; i < n; i++)
        t[k++] = '[';
    for (size_t i = 0; i < n; i++)
        t[k++] = ']';
    strcpy(t + k, "}");
    expect_fail(1, t, HP_EPARSE, 1, 7 + 256, "nesting deeper than 256 levels");
    free(t);
}

static void collect(void *ctx, const hp_error *w)
{
    char *buf = ctx;
    snprintf(buf + strlen(buf), 512 - strlen(buf), "%d:%d %s|", w->line, w->column, w->message);
}

Test(json, unknown_keys_warn_and_strict_refuses)
{
    const char *t = "{\"format\": \"healthplan/1\",\n \"regions\": [{\"code\": \"CN\", \"nmae_en\": \"China\"}]}";
    char warnings[512] = "";
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    char path[] = "/tmp/hp_test_w_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(eq(long, (long)write(fd, t, strlen(t)), (long)strlen(t)));
    close(fd);
    hp_load_options opts = HP_LOAD_OPTIONS_INIT;
    opts.warn = collect;
    opts.warn_ctx = warnings;
    const char *paths[] = {path};
    HP_ASSERT_OK(hp_dataset_load_files(ds, paths, 1, &opts));
    cr_assert(strstr(warnings, "2:29 unknown key \"nmae_en\" in a region record (did you mean \"name_en\"?)") != NULL,
              "%s", warnings);
    hp_dataset_free(ds);
    HP_ASSERT_OK(hp_dataset_new(&ds));
    opts.strict = 1;
    cr_assert(eq(int, hp_dataset_load_files(ds, paths, 1, &opts), HP_EVALIDATE));
    cr_assert(eq(int, hp_error_last()->line, 2));
    cr_assert(eq(sz, hp_dataset_region_count(ds), 0));
    hp_dataset_free(ds);
    unlink(path);
}

Test(json, missing_file_is_an_io_error)
{
    hp_dataset *ds = base();
    cr_assert(eq(int, hp_dataset_load(ds, "/nonexistent/x.json"), HP_EIO));
    HP_ASSERT_MSG("cannot open \"/nonexistent/x.json\"");
    cr_assert(eq(int, hp_dataset_load(ds, "/tmp"), HP_EIO));
    HP_ASSERT_MSG("is a directory");
    hp_dataset_free(ds);
}

Test(json, builtin_round_trip_is_exact)
{
    hp_dataset *a, *b;
    HP_ASSERT_OK(hp_dataset_builtin(&a));
    char *text;
    size_t len;
    HP_ASSERT_OK(hp_dataset_save_json_buffer(a, &text, &len));
    HP_ASSERT_OK(hp_dataset_new(&b));
    HP_ASSERT_OK(hp_dataset_load_json_buffer(b, text, len, "saved.json"));
    char *again = hpt_dump(b);
    cr_assert(eq(str, again, text));
    cr_assert(eq(sz, hp_dataset_target_count(b), hp_dataset_target_count(a)));
    cr_assert(eq(sz, hp_dataset_observation_count(b), hp_dataset_observation_count(a)));
    hp_free(text);
    hp_free(again);
    hp_dataset_free(a);
    hp_dataset_free(b);
}

Test(json, save_replaces_a_file_atomically)
{
    hp_dataset *ds = base();
    char path[] = "/tmp/hp_test_s_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    HP_ASSERT_OK(hp_dataset_save_json(ds, path));
    hp_dataset *back;
    HP_ASSERT_OK(hp_dataset_new(&back));
    HP_ASSERT_OK(hp_dataset_load(back, path));
    cr_assert(eq(sz, hp_dataset_target_count(back), 1));
    cr_assert(eq(int, hp_dataset_save_json(ds, "/nonexistent/dir/x.json"), HP_EIO));
    HP_ASSERT_MSG("cannot write \"/nonexistent/dir/x.json\"");
    hp_dataset_free(back);
    hp_dataset_free(ds);
    unlink(path);
}

/* ------------------------------------------------------------- observations CSV */

Test(csv, any_column_order_bom_crlf_and_quotes)
{
    hp_dataset *ds = base();
    const char *t = "\xEF\xBB\xBFOBS_VALUE,TIME_PERIOD,REF_AREA,INDICATOR,SOURCE,OBS_STATUS\r\n"
                    "3.9,2018,430900,infant_mortality,\"Yiyang, bulletin \"\"2018\"\"\",P\r\n"
                    "7.82,2020,430900,beds_per_1000,000_a51199b982b88bfe.txt,A\r\n"
                    ",2019,430900,infant_mortality,,M\r\n";
    HP_ASSERT_OK(hp_dataset_load_csv_buffer(ds, t, strlen(t), "obs.csv"));
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "infant_mortality", 2018, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 3.9, 1));
    cr_assert(eq(int, o.status, HP_OBS_PROVISIONAL));
    cr_assert(eq(str, (char *)o.source, "Yiyang, bulletin \"2018\""));
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "infant_mortality", 2019, &o));
    cr_assert(eq(int, o.status, HP_OBS_MISSING));
    cr_assert(isnan(o.value));
    /* the latest value at or before 2019 skips the recorded gap */
    HP_ASSERT_OK(hp_dataset_latest_observation(ds, "430900", "infant_mortality", 2019, &o));
    cr_assert(eq(int, o.year, 2018));
    HP_ASSERT_OK(hp_dataset_latest_observation(ds, "430900", "infant_mortality", 2025, &o));
    cr_assert(eq(int, o.year, 2020));
    cr_assert(ieee_ulp_eq(dbl, o.value, 2.82, 1));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 4));
    hp_dataset_free(ds);
}

Test(csv, numbers_ignore_the_locale)
{
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "de_DE.utf8"))
        cr_skip_test("no German locale installed");
    hp_dataset *ds = base();
    const char *t = "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,beds_per_1000,2020,7.82\n";
    HP_ASSERT_OK(hp_dataset_load_csv_buffer(ds, t, strlen(t), "obs.csv"));
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "beds_per_1000", 2020, &o));
    cr_assert(ieee_ulp_eq(dbl, o.value, 7.82, 1));
    char *json = hpt_dump(ds);
    cr_assert(strstr(json, "\"value\": 7.82") != NULL);
    hp_free(json);
    setlocale(LC_NUMERIC, "C");
    hp_dataset_free(ds);
}

Test(csv, errors_name_file_line_column_and_field)
{
    expect_fail(0, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortality,2018,\"7,82\"\n",
                HP_EPARSE, 2, 30, "OBS_VALUE: expected a number");
    expect_fail(0, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortalty,2018,3\n",
                HP_ENOTFOUND, 2, 8, "did you mean \"infant_mortality\"");
    expect_fail(0, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n益阳,infant_mortality,2018,3\n",
                HP_ENOTFOUND, 2, 1, "unknown region \"益阳\"");
    expect_fail(0, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortality,1850,3\n",
                HP_ERANGE, 2, 25, "TIME_PERIOD");
    expect_fail(0, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortality,2018,\n",
                HP_EVALIDATE, 2, 30, "an empty OBS_VALUE needs OBS_STATUS M");
    expect_fail(0, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n430900,infant_mortality,2018,3,percent\n",
                HP_EUNIT, 2, 32, "infant_mortality is measured in \"permille\", found unit \"percent\"");
    expect_fail(0, "REF_AREA,INDICATOR,OBS_VALUE\n430900,infant_mortality,3\n", HP_EVALIDATE, 1, 29,
                "no TIME_PERIOD column");
    expect_fail(0, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n430900,infant_mortality,2018,3,X\n",
                HP_EVALIDATE, 2, 32, "expected an SDMX status");
    expect_fail(0, "a,b\n1,2\n", HP_EVALIDATE, 1, 1, "not a known CSV");
}

Test(csv, a_failed_load_keeps_earlier_rows_out)
{
    /* rows 2 and 3 are fine, row 4 is not: nothing of the file may stay */
    expect_fail(0,
                "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
                "430900,infant_mortality,2016,5.1\n"
                "430900,infant_mortality,2017,4.6\n"
                "430900,infant_mortality,2018,oops\n",
                HP_EPARSE, 4, 30, "found \"oops\"");
}

Test(csv, duplicate_rows_in_one_file)
{
    hp_dataset *ds = base();
    const char *same = "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortality,2016,5.1\n"
                       "430900,infant_mortality,2016,5.1\n";
    HP_ASSERT_OK(hp_dataset_load_csv_buffer(ds, same, strlen(same), "same.csv"));
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 2));
    hp_dataset_free(ds);
    expect_fail(0,
                "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortality,2016,5.1\n"
                "430900,infant_mortality,2016,5.2\n",
                HP_EEXISTS, 3, 1, "is 5.2 here but 5.1 at bad.csv:2:1");
}

Test(csv, observations_round_trip_through_csv)
{
    hp_dataset *a;
    HP_ASSERT_OK(hp_dataset_builtin(&a));
    char *csv;
    size_t len;
    HP_ASSERT_OK(hp_dataset_save_observations_csv_buffer(a, &csv, &len));
    cr_assert(strncmp(csv, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,VERDICT,SOURCE,AS_PRINTED\n", 90) == 0);
    cr_assert(strstr(csv, "430900,infant_mortality,2020,2.82,permille,A,,") != NULL);
    cr_assert(strstr(csv, "430900,life_expectancy,2020,,years,A,met,") != NULL);
    /* the same observations again, read back from the CSV, merge as identical */
    size_t before = hp_dataset_observation_count(a);
    HP_ASSERT_OK(hp_dataset_load_csv_buffer(a, csv, len, "saved.csv"));
    cr_assert(eq(sz, hp_dataset_observation_count(a), before));
    hp_free(csv);
    hp_dataset_free(a);
}

Test(json, trailing_comma_is_named)
{
    expect_fail(1, "{\"regions\": [{\"code\": \"CN\"},\n ]}", HP_EPARSE, 2, 2,
                "expected a value after \",\" (JSON has no trailing commas)");
}

Test(json, missing_required_field_uses_the_record_name)
{
    expect_fail(1, "{\"regions\": [{\"name_en\": \"China\"}]}", HP_EVALIDATE, 1, 14,
                "a region needs \"code\"");
    expect_fail(1, "{\"observations\": [{\"indicator\": \"infant_mortality\", \"year\": 2020, \"value\": 2.82}]}",
                HP_EVALIDATE, 1, 19, "an observation needs \"region\"");
}

Test(json, the_same_figure_from_another_source_merges)
{
    hp_dataset *ds = base();
    const char *t = "{\"observations\": [{\"region\": \"430900\", \"indicator\": \"infant_mortality\", "
                    "\"year\": 2020, \"value\": 2.82, \"source\": \"another table\"}]}";
    HP_ASSERT_OK(hp_dataset_load_json_buffer(ds, t, strlen(t), "other.json"));
    hp_observation o;
    HP_ASSERT_OK(hp_dataset_observation(ds, "430900", "infant_mortality", 2020, &o));
    cr_assert(eq(str, (char *)o.source, "000_a51199b982b88bfe.txt, row 3")); /* the first kept */
    cr_assert(eq(sz, hp_dataset_observation_count(ds), 1));
    hp_dataset_free(ds);
}

Test(csv, targets_csv_matches_names_of_a_catalogue_in_the_same_load)
{
    char pj[] = "/tmp/hp_test_cat_XXXXXX", pc[] = "/tmp/hp_test_tab_XXXXXX";
    int fj = mkstemp(pj), fc = mkstemp(pc);
    const char *j = "{\"regions\": [{\"code\": \"430900\"}],"
                    " \"indicators\": [{\"id\": \"infant_mortality\", \"name_zh\": \"婴儿死亡率\", \"direction\": \"lower\"}],"
                    " \"plans\": [{\"id\": \"p\", \"region\": \"430900\", \"baseline_year\": 2020}]}";
    const char *c = "plan,indicator,year,target,baseline\np,婴儿死亡率（‰）,2025,≤6,2.82\n";
    cr_assert(eq(long, (long)write(fj, j, strlen(j)), (long)strlen(j)));
    cr_assert(eq(long, (long)write(fc, c, strlen(c)), (long)strlen(c)));
    close(fj);
    close(fc);
    hp_dataset *ds;
    HP_ASSERT_OK(hp_dataset_new(&ds));
    const char *paths[] = {pc, pj}; /* the CSV first: JSON files are read before CSV files */
    HP_ASSERT_OK(hp_dataset_load_files(ds, paths, 2, NULL));
    const hp_target *t;
    HP_ASSERT_OK(hp_dataset_find_target(ds, "p", "1", &t));
    cr_assert(eq(str, (char *)hp_indicator_id(hp_target_indicator(t)), "infant_mortality"));
    hp_dataset_free(ds);
    unlink(pj);
    unlink(pc);
}
