/* Tests of the Unicode helpers (text_internal.h): NFKC with a map back to the original text,
 * indicator name keys, display width, UTF-8 validation and the unit suffixes. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "text_internal.h"

static void nfkc_is(const char *in, const char *want)
{
    char *out = NULL;
    int rc = hp__nfkc(in, strlen(in), &out);
    cr_assert(eq(int, rc, HP_OK), "%s: %s", in, hp_error_last()->message);
    cr_expect(eq(str, out, (char *)want), "NFKC of \"%s\"", in);
    hp__free(out);
}

Test(text_nfkc, full_width_forms_become_ascii)
{
    nfkc_is("＜９５％", "<95%");
    nfkc_is("≤１８", "≤18");          /* ≤ has no compatibility form */
    nfkc_is("１５．５０", "15.50");
    nfkc_is("１０～１５", "10~15");
    nfkc_is("（岁）", "(岁)");
    nfkc_is("婴儿　死亡率", "婴儿 死亡率"); /* ideographic space */
    nfkc_is("ＡＢＣ", "ABC");
    nfkc_is("㎡", "m2");
    nfkc_is("‰", "‰");
    nfkc_is("e\xCC\x81", "\xC3\xA9"); /* e + combining acute composes to é */
    nfkc_is("", "");
}

Test(text_nfkc, invalid_utf8_is_a_parse_error_with_column)
{
    char *out = (char *)1;
    cr_assert(eq(int, hp__nfkc("ab\xFF", 3, &out), HP_EPARSE));
    cr_assert(eq(ptr, out, NULL));
    cr_assert(eq(int, hp_error_last()->column, 3));
    cr_assert(eq(int, hp_error_last()->line, 1));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "0xFF"), NULL)));
    cr_assert(eq(int, hp__nfkc("婴\n儿\xE5", 8, &out), HP_EPARSE));
    cr_assert(eq(int, hp_error_last()->line, 2));
    cr_assert(eq(int, hp_error_last()->column, 2));
    cr_assert(eq(int, hp__nfkc(NULL, 0, &out), HP_EINVAL));
}

Test(text_nfkc, map_points_back_to_the_original_bytes)
{
    const char *in = "≤1８x"; /* ≤ (3 bytes) 1 ８ (3 bytes) x */
    char *out = NULL;
    size_t n = 0, *map = NULL, bad = 0;
    cr_assert(eq(int, hp__nfkc_map(in, strlen(in), &out, &n, &map, &bad), HP_OK));
    cr_assert(eq(str, out, "≤18x"));
    cr_assert(eq(sz, n, 6));
    size_t want[] = {0, 0, 0, 3, 4, 7, 8};
    for (size_t i = 0; i <= n; i++)
        cr_expect(eq(sz, map[i], want[i]), "map[%zu]", i);
    hp__free(out);
    hp__free(map);

    /* one character that becomes two: ㎡ -> m2 */
    cr_assert(eq(int, hp__nfkc_map("a㎡", 4, &out, &n, &map, &bad), HP_OK));
    cr_assert(eq(str, out, "am2"));
    cr_assert(eq(sz, map[1], 1));
    cr_assert(eq(sz, map[2], 1));
    cr_assert(eq(sz, map[3], 4));
    hp__free(out);
    hp__free(map);

    cr_assert(eq(int, hp__nfkc_map("ab\xC0\x80", 4, &out, &n, &map, &bad), HP_EPARSE));
    cr_assert(eq(sz, bad, 2));
    cr_assert(eq(ptr, out, NULL));
    cr_assert(eq(ptr, map, NULL));
}

static void name_is(const char *in, const char *want)
{
    char *out = NULL;
    int rc = hp__normalize_name(in, &out);
    cr_assert(eq(int, rc, HP_OK), "%s: %s", in, hp_error_last()->message);
    cr_expect(eq(str, out, (char *)want), "name key of \"%s\"", in);
    hp__free(out);
}

Test(text_names, seed_indicator_names)
{
    /* names as the seeds print them, and the key they must share */
    name_is("婴儿死亡率（‰）", "婴儿死亡率");
    name_is("婴儿死亡率", "婴儿死亡率");
    name_is("孕产妇死亡率（/10 万）", "孕产妇死亡率");
    name_is("孕产妇死亡率（1/10万）", "孕产妇死亡率");
    name_is("人均预期寿命（岁）", "人均预期寿命");
    name_is("5 岁以下儿童死亡率（‰）", "5岁以下儿童死亡率");
    name_is("重大慢性病过早死亡率（%）", "重大慢性病过早死亡率");
    name_is("每千人口拥有执业(助理)医师数(人)", "每千人口拥有执业(助理)医师数");
    name_is("每千常住人口执业（助理）医师数（人）", "每千常住人口执业(助理)医师数");
    name_is("每千人口 3 岁以下婴幼儿托位数（个）", "每千人口3岁以下婴幼儿托位数");
    name_is("人均体育场地面积（平方米）", "人均体育场地面积");
    name_is("健康服务业总规模（亿元）", "健康服务业总规模");
    name_is("个人卫生支出占卫生总费用的比重(%)", "个人卫生支出占卫生总费用的比重");
    name_is("婴儿　死亡率 ", "婴儿死亡率");
    name_is("Infant Mortality Rate", "infantmortalityrate");
    name_is("ＩＭＲ", "imr");
}

Test(text_names, keeps_brackets_that_are_not_units)
{
    name_is("国家卫生城市（县城）总数（个）", "国家卫生城市(县城)总数");
    name_is("国家卫生城市（县城）", "国家卫生城市(县城)");
    name_is("(‰)", "(‰)");
    name_is("", "");
}

Test(text_names, errors)
{
    char *out = (char *)1;
    cr_assert(eq(int, hp__normalize_name("婴儿\xFF", &out), HP_EPARSE));
    cr_assert(eq(ptr, out, NULL));
    cr_assert(eq(int, hp__normalize_name(NULL, &out), HP_EINVAL));
    cr_assert(eq(int, hp__normalize_name("x", NULL), HP_EINVAL));
}

Test(text_width, terminal_columns)
{
    cr_assert(eq(int, hp__display_width("abc"), 3));
    cr_assert(eq(int, hp__display_width("婴儿死亡率"), 10));
    cr_assert(eq(int, hp__display_width("≤18"), 3));
    cr_assert(eq(int, hp__display_width("ＡＢ"), 4));
    cr_assert(eq(int, hp__display_width("e\xCC\x81"), 1));
    cr_assert(eq(int, hp__display_width("益阳 Yiyang"), 11));
    cr_assert(eq(int, hp__display_width(""), 0));
    cr_assert(eq(int, hp__display_width(NULL), 0));
    cr_assert(eq(int, hp__display_width("a\xFF"), 2));
}

Test(text_utf8, validation)
{
    size_t bad = 99;
    cr_assert(hp__utf8_valid("婴儿 abc", strlen("婴儿 abc"), &bad));
    cr_assert(hp__utf8_valid("", 0, &bad));
    cr_assert(not(hp__utf8_valid("\xC0\x80", 2, &bad)));          /* overlong NUL */
    cr_assert(eq(sz, bad, 0));
    cr_assert(not(hp__utf8_valid("ab\xED\xA0\x80", 5, &bad)));     /* surrogate */
    cr_assert(eq(sz, bad, 2));
    cr_assert(not(hp__utf8_valid("\xE5\xA9", 2, &bad)));           /* truncated */
    cr_assert(not(hp__utf8_valid("\xF4\x90\x80\x80", 4, &bad)));   /* above U+10FFFF */
    cr_assert(not(hp__utf8_valid("x\x80", 2, &bad)));              /* stray continuation */
    cr_assert(eq(sz, bad, 1));
    cr_assert(hp__utf8_valid("\xF0\x9F\x98\x80", 4, NULL));        /* emoji */
}

static void unit_is(const char *in, size_t len, int kind)
{
    int k = -1;
    size_t n = hp__match_unit(in, strlen(in), &k);
    cr_expect(eq(sz, n, len), "unit length of \"%s\"", in);
    cr_expect(eq(int, k, kind), "unit kind of \"%s\"", in);
}

Test(text_units, suffixes_printed_after_numbers)
{
    unit_is("%", 1, HP__UNIT_PERCENT);
    unit_is("%以上", 1, HP__UNIT_PERCENT);
    unit_is("‰", 3, HP__UNIT_PERMILLE);
    unit_is("个百分点以上", 12, HP__UNIT_PP);
    unit_is("个以上", 3, HP__UNIT_OTHER);
    unit_is("岁", 3, HP__UNIT_OTHER);
    unit_is("/10万以下", 6, HP__UNIT_OTHER);
    unit_is("/10 万", 7, HP__UNIT_OTHER);
    unit_is("/ 10 万", 8, HP__UNIT_OTHER);
    unit_is("人/千人", 10, HP__UNIT_OTHER);
    unit_is("平方米", 9, HP__UNIT_OTHER);
    unit_is("万亿元", 9, HP__UNIT_OTHER);
    unit_is("pp per year", 2, HP__UNIT_PP);
    unit_is("per 1000", 8, HP__UNIT_OTHER);
    unit_is("per 100,000 live births", 23, HP__UNIT_OTHER);
    unit_is("per year", 0, HP__UNIT_NONE);
    unit_is("ppm", 0, HP__UNIT_NONE);
    unit_is("x", 0, HP__UNIT_NONE);
    unit_is("", 0, HP__UNIT_NONE);
    unit_is("/", 0, HP__UNIT_NONE);
}

Test(text_words, match_word)
{
    cr_assert(eq(sz, hp__match_word("or more", 7, "or"), 2));
    cr_assert(eq(sz, hp__match_word("order", 5, "or"), 0));
    cr_assert(eq(sz, hp__match_word("OR", 2, "or"), 2));
    cr_assert(eq(sz, hp__match_word("at   most 5", 11, "at most"), 9));
    cr_assert(eq(sz, hp__match_word("以上", 6, "以上"), 6));
    cr_assert(eq(sz, hp__match_word("以", 3, "以上"), 0));
}
