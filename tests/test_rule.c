/* Tests of healthplan/rule.h: reading the phrases the seed plans print, rejecting what cannot be
 * read (with the column in the original phrase), the JSON form and its errors. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include "healthplan/rule.h"
#include "rule_internal.h"

#define N NAN
#define BETTER HP_OP_BETTER

#define HP_ASSERT_OK(call)                                                                     \
    do {                                                                                       \
        int rc_ = (call);                                                                      \
        cr_assert(eq(int, rc_, HP_OK), "%s failed: %s", #call, hp_error_last()->message);     \
    } while (0)

/* One phrase and the rule it must give; source says where the seed prints it. */
typedef struct phrase_case {
    const char *phrase;
    hp_rule_kind kind;
    double value, tolerance, low, high;
    int ref_year, compound;
    hp_rule_op op;
    const char *scope;
    const char *text;
    const char *source;
} phrase_case;

#define CMP(ph, k, v, src) {ph, k, v, N, N, N, 0, 0, BETTER, "", NULL, src}
#define LE(ph, v, src) CMP(ph, HP_RULE_LE, v, src)
#define LT(ph, v, src) CMP(ph, HP_RULE_LT, v, src)
#define GE(ph, v, src) CMP(ph, HP_RULE_GE, v, src)
#define GT(ph, v, src) CMP(ph, HP_RULE_GT, v, src)
#define VALUE(ph, v, src) CMP(ph, HP_RULE_VALUE, v, src)
#define ABOUT(ph, v, src) {ph, HP_RULE_ABOUT, v, 0.02, N, N, 0, 0, BETTER, "", NULL, src}
#define RANGE(ph, lo, hi, src) {ph, HP_RULE_RANGE, N, N, lo, hi, 0, 0, BETTER, "", NULL, src}
#define CHANGE(ph, v, y, src) {ph, HP_RULE_CHANGE_FROM, v, N, N, N, y, 0, BETTER, "", NULL, src}
#define PER_YEAR(ph, v, c, src) {ph, HP_RULE_PER_YEAR, v, N, N, N, 0, c, BETTER, "", NULL, src}
#define IMPROVE(ph, src) {ph, HP_RULE_IMPROVE, N, N, N, N, 0, 0, BETTER, "", NULL, src}
#define SAME_RATIO(ph, src) {ph, HP_RULE_SAME_RATIO, N, N, N, N, 0, 0, BETTER, "", NULL, src}
#define REF_TARGET(ph, sc, src) {ph, HP_RULE_REFERENCE_TARGET, N, N, N, N, 0, 0, BETTER, sc, NULL, src}
#define REF_VALUE(ph, o, sc, src) {ph, HP_RULE_REFERENCE_VALUE, N, N, N, N, 0, 0, o, sc, NULL, src}
#define QUAL(ph, src) {ph, HP_RULE_QUALITATIVE, N, N, N, N, 0, 0, BETTER, "", ph, src}

#define S0 "000_a51199b982b88bfe.txt (Yiyang 14th FYP), "
#define S4 "004_3a00c2775a745c89.txt (Hengyang HC2030), "
#define REF "reference_values.tsv note, "

/* Real phrases from the two seeds (tables and text) and the reference notes. */
static const phrase_case SEED_PHRASES[] = {
    /* seed 000, 13th-FYP results table (2020 targets) */
    ABOUT("77左右", 77, S0 "十三五 table row 1"),
    LE("≤18", 18, S0 "十三五 table row 2"),
    LE("≤6.5", 6.5, S0 "十三五 table row 3"),
    LE("≤9", 9, S0 "十三五 table row 4"),
    VALUE("20", 20, S0 "十三五 table row 5"),
    VALUE("5.4", 5.4, S0 "十三五 table row 6"),
    VALUE("2.45", 2.45, S0 "十三五 table row 7"),
    VALUE("2.8", 2.8, S0 "十三五 table row 8"),
    GE("≥2.1", 2.1, S0 "十三五 table row 9"),
    LE("30以下", 30, S0 "十三五 table row 10"),
    /* seed 000, 14th-FYP indicator table (2025 targets; 2020 column for the spaced numbers) */
    VALUE("79", 79, S0 "具体指标目标表 row 1"),
    SAME_RATIO("同比例提高", S0 "具体指标目标表 row 2"),
    REF_TARGET("全省控制目标内", "province", S0 "具体指标目标表 rows 3-5"),
    LE("≤15", 15, S0 "具体指标目标表 row 6"),
    GE("≥25", 25, S0 "具体指标目标表 row 7"),
    LE("≤23. 30", 23.3, S0 "具体指标目标表 row 8"),
    IMPROVE("持续提升", S0 "具体指标目标表 row 9"),
    VALUE("8. 00", 8, S0 "具体指标目标表 row 10"),
    VALUE("3. 20", 3.2, S0 "具体指标目标表 row 11"),
    VALUE("0. 62", 0.62, S0 "具体指标目标表 row 11 (TCM)"),
    VALUE("4", 4, S0 "具体指标目标表 row 12"),
    VALUE("0. 54", 0.54, S0 "具体指标目标表 row 13"),
    VALUE("3. 93", 3.93, S0 "具体指标目标表 row 14"),
    REF_VALUE("优于全省平均水平", HP_OP_BETTER, "province", S0 "具体指标目标表 row 15"),
    VALUE("4. 50", 4.5, S0 "具体指标目标表 row 16"),
    PER_YEAR("力争每年降低 0. 5 个百分点", -0.5, 0, S0 "具体指标目标表 row 17"),
    GE("≥60", 60, S0 "具体指标目标表 row 18"),
    ABOUT("27 左右", 27, S0 "具体指标目标表 row 19"),
    VALUE("15. 50", 15.5, S0 "具体指标目标表 row 3, 2020 column"),
    VALUE("17. 24", 17.24, S0 "具体指标目标表 row 6, 2020 column"),
    VALUE("46. 1", 46.1, S0 "具体指标目标表 row 17, 2020 column"),
    /* seed 000, text */
    GE("达 25%以上", 25, S0 "三(一)2 健康素养"),
    GE("达到 3 个以上", 3, S0 "三(一)3 国家卫生城市"),
    GE("达 6%以上", 6, S0 "三(一)3 国家卫生乡镇"),
    GE("达 70%以上", 70, S0 "三(一)3 省级卫生乡镇"),
    LE("下降到 227/10 万以下", 227, S0 "三(二)1 心脑血管疾病死亡率"),
    VALUE("达 65%", 65, S0 "三(二)1 基层规范管理服务率"),
    GE("不低于 44.5%", 44.5, S0 "三(二)1 癌症5年生存率"),
    GE("保持在 95%以上", 95, S0 "三(二)2 法定传染病报告率"),
    LE("控制在 0.16%以内", 0.16, S0 "三(二)2 艾滋病感染率"),
    GE("均保持 95%以上", 95, S0 "三(二)2 免疫规划疫苗接种率"),
    GE("保持在 95% 以上", 95, S0 "三(二)3 严重精神障碍管理率"),
    GE("达到95%以上", 95, S0 "一(一)4 国家免疫规划疫苗接种率"),
    GE("98% 以上", 98, S0 "三(五)2 新生儿遗传代谢性疾病筛查率"),
    GE("均达90%以上", 90, S0 "三(五)2 孕产妇系统管理率"),
    PER_YEAR("平均每年下降0.5个百分点以上", -0.5, 0, S0 "三(五)3 近视率"),
    PER_YEAR("每年降低0.5个百分点", -0.5, 0, S0 "专栏 儿童青少年近视综合防控行动"),
    QUAL("明显下降", S0 "专栏 新发近视率"),
    VALUE("达到60%", 60, S0 "三(五)4 老年医学科比例"),
    GE("达65%以上", 65, S0 "三(五)4 老年人规范健康管理服务率"),
    GE("不少于4.5个", 4.5, S0 "专栏 托位数"),
    ABOUT("10个左右", 10, S0 "专栏 妇幼保健特色专科"),
    IMPROVE("逐年下降", S0 "专栏 出生缺陷发生率"),
    GE("达60%以上", 60, S0 "专栏 老年医学科"),
    GE("达80%以上", 80, S0 "专栏 老年友善医疗卫生机构"),
    GE("达75%以上", 75, S0 "专栏 康复科"),
    GE("不低于35%", 35, S0 "三(六)2 中医药服务量占比"),
    GE("提高至 28.78% 以上", 28.78, S0 "三(六)3 中医药健康文化素养"),
    PER_YEAR("逐年提高 5%", 0.05, 1, S0 "三(九)1 基本药物使用金额比例"),
    GE("不低于 90%", 90, S0 "三(九)1 基本药物配备品种"),
    GE("提高到95%", 95, S0 "三(三)3 县域内就诊率"),
    GE("保持在80%以上", 80, S0 "三(三)3 县域内医疗费用占比"),
    CHANGE("较 2019 年同期下降 2.46%", -0.0246, 2019, S0 "一(一)3 出生缺陷发生率"),
    LT("低于 6‰", 6, S0 "一(一)3 婴儿死亡率省定目标"),
    GE("1 亿元以上", 1, S0 "一(一)3 奖励扶助资金"),
    GE("40%以上", 40, S0 "专栏 负压救护车占比"),
    GE("50%以上", 50, S0 "专栏 县级医院5321工程"),
    GE("4 名以上", 4, S0 "三(三)2 全科医生"),
    RANGE("1—2 家", 1, 2, S0 "三(二)5 重大疫情救治中心"),
    REF_TARGET("控制在省定目标范围之内", "province", S0 "一(一)3 孕产妇死亡率"),
    QUAL("全覆盖", S0 "三(六)1 治未病科"),
    QUAL("大幅提升", S0 "二(三) 健康素养"),
    IMPROVE("持续改善", S0 "二(三) 主要健康指标"),
    QUAL("显著提升", S0 "二(三) 应急管理能力"),
    QUAL("全面提高", S0 "二(三) 服务能力和水平"),
    QUAL("达到全省一流水平", S0 "二(三) 2035 主要健康指标"),
    QUAL("基本实现", S0 "专栏 癌症高危人群定期体检"),
    QUAL("得到有效控制", S0 "二(三) 健康危害因素"),
    QUAL("明显提升", S0 "三(四) 脱贫地区保障水平"),
    QUAL("逐步完善", S0 "三(四) 全生命周期健康服务"),
    IMPROVE("逐年提高", S0 "三(五)4 意外伤害保险比例"),
    QUAL("全面提升", S0 "三(二)4 应急能力"),
    /* seed 004, main indicator table */
    VALUE("77", 77, S4 "主要指标 人均预期寿命 2020"),
    IMPROVE("持续改善", S4 "主要指标 婴儿死亡率"),
    LE("≤5.8", 5.8, S4 "主要指标 5岁以下儿童死亡率 2030"),
    LE("≤12", 12, S4 "主要指标 孕产妇死亡率 2030"),
    GE("≥90", 90, S4 "主要指标 国民体质合格 2020"),
    GE("≥92", 92, S4 "主要指标 国民体质合格 2030"),
    GE("≥20", 20, S4 "主要指标 健康素养 2020"),
    GE("≥30", 30, S4 "主要指标 健康素养 2030"),
    VALUE("1.5", 1.5, S4 "主要指标 人均体育场地面积 2020"),
    VALUE("2.3", 2.3, S4 "主要指标 人均体育场地面积 2030"),
    VALUE("38", 38, S4 "主要指标 体育锻炼人口比例 2020"),
    VALUE("45", 45, S4 "主要指标 体育锻炼人口比例 2030"),
    CHANGE("比2015年降低10%", -0.10, 2015, S4 "主要指标 重大慢性病过早死亡率 2020"),
    CHANGE("比2015年降低30%", -0.30, 2015, S4 "主要指标 重大慢性病过早死亡率 2030"),
    GE("≥2.6", 2.6, S4 "主要指标 执业医师 2020"),
    GE("≥3.2", 3.2, S4 "主要指标 执业医师 2030"),
    LT(" <30", 30, S4 "主要指标 个人卫生支出 2020 (leading space as printed)"),
    LT("<25", 25, S4 "主要指标 个人卫生支出 2030"),
    GT("> 80", 80, S4 "主要指标 空气质量优良天数 2020"),
    GE("≥93.3", 93.3, S4 "主要指标 水质 2020"),
    VALUE("400", 400, S4 "主要指标 健康服务业总规模 2020"),
    VALUE("800", 800, S4 "主要指标 健康服务业总规模 2030"),
    /* seed 004, text */
    VALUE("达到79岁", 79, S4 "二 人均预期寿命"),
    QUAL("基本建立", S4 "二 健康责任体系"),
    QUAL("全面建立", S4 "二 整合型服务体系"),
    QUAL("显著壮大", S4 "二 健康产业"),
    QUAL("明显增强", S4 "二 健康责任"),
    IMPROVE("稳步提升", S4 "二 健康水平"),
    VALUE("达到90%", 90, S4 "三(一)3 营养知识普及率"),
    QUAL("显著下降", S4 "三(一)3 营养缺乏疾病发生率"),
    CHANGE("下降50%", -0.50, 0, S4 "三(一)3 生长迟缓率"),
    CHANGE("降低20%", -0.20, 0, S4 "三(一)3 食盐摄入量"),
    QUAL("明显放缓", S4 "三(一)3 超重肥胖增长速度"),
    LE("降低到20%", 20, S4 "三(一)4 吸烟率"),
    GE("不低于2.3平方米", 2.3, S4 "三(二)1 人均体育场地面积"),
    VALUE("达到45%", 45, S4 "三(二)2 体育锻炼人口比例"),
    GE("达到92%以上", 92, S4 "三(二)2 国民体质合格"),
    GE("25%以上", 25, S4 "三(二)2 达标优秀率"),
    GE("3次以上", 3, S4 "三(二)2 中等强度活动"),
    GE("62%以上", 62, S4 "三(三)1 国家卫生县城"),
    GE("4%以上", 4, S4 "三(三)1 国家卫生乡镇"),
    CHANGE("下降30%", -0.30, 0, S4 "三(三)5 万车死亡率"),
    REF_VALUE("低于全省平均水平", HP_OP_LT, "province", S4 "三(三)5 道路交通事故死伤比"),
    CHANGE("下降25%", -0.25, 0, S4 "三(三)6 儿童伤害死亡率"),
    CHANGE("提高15%", 0.15, 0, S4 "三(五)1 癌症5年生存率"),
    GE("达到90%以上", 90, S4 "三(五)1 精神疾病管理率"),
    LE("控制在25%以内", 25, S4 "三(五)1 12岁儿童患龋率"),
    LE("下降到30/10万以下", 30, S4 "三(五)1 肺结核发病率"),
    VALUE("达到3.1人", 3.1, S4 "三(六)1 执业医师"),
    VALUE("达到4.7人", 4.7, S4 "三(六)1 注册护士"),
    ABOUT("降低到25%左右", 25, S4 "三(九)1 个人卫生支出比重"),
    QUAL("达到全省先进水平", S4 "二 主要健康指标 2030"),
    QUAL("接近或达到国内先进水平", S4 "三(六)3 医疗服务质量指标"),
    REF_VALUE("优于全省平均水平", HP_OP_BETTER, "province", S4 "二 主要健康指标 2020"),
    CHANGE("较“十二五”末翻两番", 3, 2015, S4 "三(十一)5 医药产业总量"),
    QUAL("显著改善", S4 "一 健康公平"),
    QUAL("全面建成", S4 "一 健康衡阳"),
    QUAL("基本形成", S4 "二 健康产业体系"),
    QUAL("有效降低", S4 "三(八)1 孕产妇死亡率"),
    QUAL("更加完善", S4 "二 制度体系"),
    QUAL("进一步健全", S4 "二 政策法律法规体系"),
    QUAL("大幅提高", S4 "一 健康水平"),
    /* reference_values.tsv notes (other plans of the same regions) */
    {"每年提升2%左右或不低于全省平均水平", HP_RULE_ANY, N, N, N, N, 0, 0, BETTER, "", NULL,
     REF "430981 composite"},
    CHANGE("较2022年下降3%", -0.03, 2022, REF "430981 2025"),
    CHANGE("较2025年下降3%", -0.03, 2025, REF "430981 2027"),
    REF_TARGET("国家下达目标值", "country", REF "430981"),
    REF_TARGET("省下达目标值", "province", REF "430981 air quality 2027"),
    IMPROVE("在现有基础上持续改善", REF "430000 infant mortality 2030"),
    LE("≤0.7", 0.7, REF "430981 child drowning"),
    GE("≥91.3", 91.3, REF "430981"),
    VALUE("97.3", 97.3, REF "430981"),
    CHANGE("较2015年下降30%", -0.30, 2015, REF "CN premature mortality 2030"),
    PER_YEAR("力争每年降低0.5个百分点以上", -0.5, 0, REF "430000 myopia 2025"),
    LE("下降到5.2‰", 5.2, REF "CN infant mortality 2025"),
    LE("控制在3.1‰以下", 3.1, REF "CN neonatal mortality 2025"),
    LE("降至15.9%", 15.9, REF "CN premature mortality 2022"),
    GE("37%及以上", 37, REF "CN regular exercise 2022"),
    GT("大于95%", 95, REF "CN insurance coverage 2025"),
    LT("小于25%", 25, REF "430000 OOP share 2030"),
    LT("应小于7.5‰", 7.5, REF "CN infant mortality 2020"),
    GT("应大于77.3岁", 77.3, REF "CN life expectancy 2020"),
    GT("超过8万亿元", 8, REF "CN health service industry 2020"),
    GE("达到80岁以上", 80, REF "CN life expectancy 2035"),
    ABOUT("80岁左右", 80, REF "430000 life expectancy 2035"),
    REF_VALUE("达到或超过全市平均水平", HP_OP_GE, "prefecture", REF "430902 2027"),
    GE("不少于90.86%", 90.86, REF "CN fitness 2022"),
    GE("提高到25.0%", 25, REF "CN health literacy 2025"),
    ABOUT("降至25左右", 25, REF "CN OOP share 2030"),
    LE("下降到12/10万", 12, REF "430000 maternal mortality 2030"),
    LE("控制在6.6‰以下", 6.6, REF "CN under-5 mortality 2025"),
    VALUE("达到8000亿元", 8000, REF "430000 health service industry 2030"),
};

static void check_double(const char *phrase, const char *what, double got, double want)
{
    if (isnan(want))
        cr_expect(isnan(got), "%s: %s should be absent, got %g", phrase, what, got);
    else
        cr_expect(ieee_ulp_eq(dbl, got, want, 4), "%s: %s = %.17g, want %.17g", phrase, what, got,
                  want);
}

static void check_case(const phrase_case *c, const hp_rule *r)
{
    cr_expect(eq(int, r->kind, c->kind), "%s (%s): kind %s, want %s", c->phrase, c->source,
              hp_rule_kind_name(r->kind), hp_rule_kind_name(c->kind));
    if (c->kind == HP_RULE_ANY || c->kind == HP_RULE_ALL)
        return;
    check_double(c->phrase, "value", r->value, c->value);
    check_double(c->phrase, "tolerance", r->tolerance, c->tolerance);
    check_double(c->phrase, "low", r->low, c->low);
    check_double(c->phrase, "high", r->high, c->high);
    cr_expect(eq(int, r->ref_year, c->ref_year), "%s: ref_year", c->phrase);
    cr_expect(eq(int, r->compound, c->compound), "%s: compound", c->phrase);
    cr_expect(eq(int, r->op, c->op), "%s: op", c->phrase);
    cr_expect(eq(str, (char *)r->scope, (char *)c->scope), "%s: scope", c->phrase);
    cr_expect(eq(str, (char *)r->indicator, ""), "%s: indicator", c->phrase);
    cr_expect(r->expr == NULL && r->when == NULL, "%s: expr/when", c->phrase);
    if (c->text)
        cr_expect(r->text && strcmp(r->text, c->text) == 0, "%s: text \"%s\"", c->phrase,
                  r->text ? r->text : "(null)");
    else
        cr_expect(r->text == NULL, "%s: text should be NULL", c->phrase);
    cr_expect(r->rules == NULL && r->nrules == 0, "%s: rules", c->phrase);
}

Test(rule_parse, seed_phrases)
{
    size_t n = sizeof SEED_PHRASES / sizeof SEED_PHRASES[0];
    cr_assert(n >= 60);
    for (size_t i = 0; i < n; i++) {
        const phrase_case *c = &SEED_PHRASES[i];
        hp_rule r;
        int rc = hp_rule_parse(c->phrase, &r);
        cr_expect(eq(int, rc, HP_OK), "\"%s\" (%s): %s", c->phrase, c->source,
                  hp_error_last()->message);
        if (rc == HP_OK)
            check_case(c, &r);
        hp_rule_dispose(&r);
    }
}

/* English and ASCII forms, and other spellings the reader accepts. */
static const phrase_case OTHER_FORMS[] = {
    LE("<= 18", 18, "ASCII"),
    GE(">= 2.1", 2.1, "ASCII"),
    LT("< 30", 30, "ASCII"),
    ABOUT("about 27", 27, "English"),
    ABOUT("~27", 27, "ASCII"),
    ABOUT("≈ 27", 27, "symbol"),
    ABOUT("约25%", 25, "约"),
    RANGE("10-15", 10, 15, "ASCII"),
    RANGE("10–15", 10, 15, "en dash"),
    RANGE("10～15", 10, 15, "full-width tilde"),
    RANGE("10至15", 10, 15, "至"),
    RANGE("10%~15%", 10, 15, "units on both ends"),
    RANGE("between 10 and 15", 10, 15, "English"),
    CHANGE("-30% vs 2015", -0.30, 2015, "English"),
    CHANGE("+10% vs 2015", 0.10, 2015, "English"),
    CHANGE("down 30% from 2015", -0.30, 2015, "English"),
    CHANGE("-30% vs baseline", -0.30, 0, "English"),
    CHANGE("与2015年相比下降50%", -0.50, 2015, "与…相比"),
    CHANGE("在2015年基础上降低10%", -0.10, 2015, "在…基础上"),
    CHANGE("比基线降低10%", -0.10, 0, "基线"),
    CHANGE("比2015年降低30%以上", -0.30, 2015, "以上 after a change"),
    CHANGE("翻一番", 1, 0, "doubling"),
    PER_YEAR("-0.5 pp per year", -0.5, 0, "English"),
    PER_YEAR("-5% per year", -0.05, 1, "English"),
    PER_YEAR("+2% per annum", 0.02, 1, "English"),
    PER_YEAR("-0.5 per year", -0.5, 0, "English, indicator's unit"),
    PER_YEAR("每年降低5%", -0.05, 1, "compound"),
    PER_YEAR("年均增长5%", 0.05, 1, "年均"),
    IMPROVE("improve", "English"),
    IMPROVE("improvement", "English"),
    REF_TARGET("within province target", "province", "English"),
    REF_TARGET("within the province's target", "province", "English"),
    REF_TARGET("national target", "country", "English"),
    REF_TARGET("within 430000 target", "430000", "English, region code"),
    REF_TARGET("省控制目标以内", "province", "brief"),
    REF_TARGET("全市控制目标以内", "prefecture", "全市"),
    REF_VALUE("better than province", HP_OP_BETTER, "province", "English"),
    REF_VALUE("below the national average", HP_OP_LT, "country", "English"),
    REF_VALUE("at least province average", HP_OP_GE, "province", "English"),
    REF_VALUE("高于全国平均水平", HP_OP_GT, "country", "brief"),
    REF_VALUE("优于全省水平", HP_OP_BETTER, "province", "brief"),
    REF_VALUE("优于全国", HP_OP_BETTER, "country", "short"),
    SAME_RATIO("同比例增长", "variant"),
    SAME_RATIO("same ratio", "English"),
    LT("＜９５％", 95, "full width"),
    VALUE("１５．５０", 15.5, "full-width digits and point"),
    GE("≧90", 90, "≧"),
    GE("2.1 or more", 2.1, "English suffix"),
    LE("18 or less", 18, "English suffix"),
    GE("达到或超过95%", 95, "达到或超过"),
    LE("不超过5%", 5, "不超过"),
    VALUE("−5", -5, "U+2212 minus"),
    VALUE("-5", -5, "ASCII minus"),
    VALUE("保持100%", 100, "保持"),
    VALUE("3,851,564", 3851564, "thousands separators"),
    LE("≤18。", 18, "trailing full stop"),
    LE("  ≤18  ", 18, "surrounding spaces"),
    LE("≤\xE3\x80\x80" "18", 18, "ideographic space"),
    QUAL("建立并完善", "connector"),
    QUAL("建立健全", "two verbs"),
    QUAL("基本实现全覆盖", "milestone"),
};

Test(rule_parse, other_forms)
{
    for (size_t i = 0; i < sizeof OTHER_FORMS / sizeof OTHER_FORMS[0]; i++) {
        const phrase_case *c = &OTHER_FORMS[i];
        hp_rule r;
        int rc = hp_rule_parse(c->phrase, &r);
        cr_expect(eq(int, rc, HP_OK), "\"%s\" (%s): %s", c->phrase, c->source,
                  hp_error_last()->message);
        if (rc == HP_OK)
            check_case(c, &r);
        hp_rule_dispose(&r);
    }
}

Test(rule_parse, chinese_relative_change)
{
    hp_rule r;
    HP_ASSERT_OK(hp_rule_parse("比2015年降低30%", &r));
    cr_assert(eq(int, r.kind, HP_RULE_CHANGE_FROM));
    cr_assert(eq(int, r.ref_year, 2015));
    cr_assert(ieee_ulp_eq(dbl, r.value, -0.30, 4));
    hp_rule_dispose(&r);
}

Test(rule_parse, percent_stays_in_percent_units_for_levels)
{
    hp_rule r;
    HP_ASSERT_OK(hp_rule_parse("25%以上", &r));
    cr_assert(eq(int, r.kind, HP_RULE_GE));
    cr_assert(ieee_ulp_eq(dbl, r.value, 25, 4));
    hp_rule_dispose(&r);
    HP_ASSERT_OK(hp_rule_parse("降低30%", &r));
    cr_assert(eq(int, r.kind, HP_RULE_CHANGE_FROM));
    cr_assert(ieee_ulp_eq(dbl, r.value, -0.30, 4));
    cr_assert(eq(int, r.ref_year, 0));
    hp_rule_dispose(&r);
}

Test(rule_parse, yilxia_includes_the_number)
{
    static const struct {
        const char *phrase;
        hp_rule_kind kind;
    } cases[] = {{"30以下", HP_RULE_LE}, {"30以内", HP_RULE_LE}, {"不高于30", HP_RULE_LE},
                 {"30以上", HP_RULE_GE}, {"不低于30", HP_RULE_GE}, {"低于30", HP_RULE_LT},
                 {"高于30", HP_RULE_GT}, {"<30", HP_RULE_LT},      {">30", HP_RULE_GT},
                 {"达到30", HP_RULE_VALUE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hp_rule r;
        HP_ASSERT_OK(hp_rule_parse(cases[i].phrase, &r));
        cr_expect(eq(int, r.kind, cases[i].kind), "%s", cases[i].phrase);
        cr_expect(ieee_ulp_eq(dbl, r.value, 30, 4), "%s", cases[i].phrase);
        hp_rule_dispose(&r);
    }
}

Test(rule_parse, composite_any_from_reference_notes)
{
    hp_rule r;
    HP_ASSERT_OK(hp_rule_parse("每年提升2%左右或不低于全省平均水平", &r));
    cr_assert(eq(int, r.kind, HP_RULE_ANY));
    cr_assert(eq(sz, r.nrules, 2));
    cr_assert(eq(int, r.rules[0].kind, HP_RULE_PER_YEAR));
    cr_assert(ieee_ulp_eq(dbl, r.rules[0].value, 0.02, 4));
    cr_assert(eq(int, r.rules[0].compound, 1));
    cr_assert(eq(int, r.rules[1].kind, HP_RULE_REFERENCE_VALUE));
    cr_assert(eq(int, r.rules[1].op, HP_OP_GE));
    cr_assert(eq(str, r.rules[1].scope, "province"));
    hp_rule_dispose(&r);
}

Test(rule_parse, composite_and_binds_tighter_than_or)
{
    hp_rule r;
    HP_ASSERT_OK(hp_rule_parse("≥2.1且≤3或优于全省平均水平", &r));
    cr_assert(eq(int, r.kind, HP_RULE_ANY));
    cr_assert(eq(sz, r.nrules, 2));
    cr_assert(eq(int, r.rules[0].kind, HP_RULE_ALL));
    cr_assert(eq(sz, r.rules[0].nrules, 2));
    cr_assert(eq(int, r.rules[0].rules[0].kind, HP_RULE_GE));
    cr_assert(eq(int, r.rules[0].rules[1].kind, HP_RULE_LE));
    cr_assert(eq(int, r.rules[1].kind, HP_RULE_REFERENCE_VALUE));
    hp_rule_dispose(&r);
    HP_ASSERT_OK(hp_rule_parse("<= 18 or better than province", &r));
    cr_assert(eq(int, r.kind, HP_RULE_ANY));
    cr_assert(eq(int, r.rules[0].kind, HP_RULE_LE));
    cr_assert(eq(int, r.rules[1].kind, HP_RULE_REFERENCE_VALUE));
    hp_rule_dispose(&r);
    HP_ASSERT_OK(hp_rule_parse("显著下降并且有效控制", &r));
    cr_assert(eq(int, r.kind, HP_RULE_ALL));
    cr_assert(eq(str, r.rules[0].text, "显著下降"));
    cr_assert(eq(str, r.rules[1].text, "有效控制"));
    hp_rule_dispose(&r);
}

Test(rule_parse, qualitative_text_is_the_original_phrase)
{
    hp_rule r;
    /* full-width space inside: text keeps the phrase as printed, trimmed */
    HP_ASSERT_OK(hp_rule_parse(" 显著\xE3\x80\x80下降 ", &r));
    cr_assert(eq(int, r.kind, HP_RULE_QUALITATIVE));
    cr_assert(eq(str, r.text, "显著\xE3\x80\x80下降"));
    hp_rule_dispose(&r);
}

/* Phrases that must be rejected: column in the original phrase and a fragment of the message. */
static const struct reject_case {
    const char *phrase;
    int column;
    const char *fragment;
} REJECTS[] = {
    {"≤1８x", 4, "\"x\""},
    {"abc", 1, "\"abc\""},
    {"", 1, "empty phrase"},
    {"   ", 1, "empty phrase"},
    {"15–10", 4, "low end is above the high end"},
    {"比1900年降低30%", 2, "1900"},
    {"≤ 25 以上", 6, "contradicts"},
    {"不低于 90%、80%、60%", 8, "、80%"},
    {"提高到95%和70%以上", 7, "和70%"},
    {"提高到全市县城总数的62%以上", 4, "a number"},
    {"显著", 3, "verb"},
    {"优于目标值", 1, "verdict"},
    {"控制在目标以内", 1, "verdict"},
    {"—", 1, "dash"},
    {"到2025年达到79岁", 1, "target year"},
    {"≤", 2, "a number"},
    {"比2015年降低30", 11, "%"},
    {"与人均预期寿命同比例提高", 1, "同比例提高"},
    {"≤18或", 5, "ends too early"},
    {"≤0.5个百分点", 5, "个百分点"},
    {"８.００.", 5, "\".\""},
    {"30万人口以上的县应有精神专科医院", 5, "口以上"},
    {"合理降低", 1, "合理降低"},
    {"≤１８ ≥２０", 5, "≥２０"},
    {"≤ 18 apples", 6, "apples"},
    {"建立并x", 4, "\"x\""},
    {"77左右左右", 5, "左右"},
    {"10-", 4, "range"},
    {"每年降低", 5, "a number"},
    {"≤1\xFF", 3, "UTF-8"},
    {"≥90，100", 4, "，100"}, /* a full-width comma is not a thousands separator */
};

Test(rule_parse, rejects_with_column_and_message)
{
    for (size_t i = 0; i < sizeof REJECTS / sizeof REJECTS[0]; i++) {
        const struct reject_case *c = &REJECTS[i];
        hp_rule r;
        int rc = hp_rule_parse(c->phrase, &r);
        const hp_error *e = hp_error_last();
        cr_expect(eq(int, rc, HP_EPARSE), "\"%s\" should be rejected (rc %d)", c->phrase, rc);
        cr_expect(eq(int, e->column, c->column), "\"%s\": column %d, want %d (%s)", c->phrase,
                  e->column, c->column, e->message);
        cr_expect(eq(int, e->line, 1), "\"%s\": line", c->phrase);
        cr_expect(eq(str, (char *)e->file, "<phrase>"), "\"%s\": file", c->phrase);
        cr_expect(strstr(e->message, c->fragment) != NULL, "\"%s\": message \"%s\" lacks \"%s\"",
                  c->phrase, e->message, c->fragment);
        cr_expect(eq(int, r.kind, HP_RULE_NONE), "\"%s\": out must stay empty", c->phrase);
        hp_rule_dispose(&r);
    }
}

Test(rule_parse, rejects_garbage_with_column)
{
    hp_rule r;
    cr_assert(eq(int, hp_rule_parse("≤1８x", &r), HP_EPARSE));
    cr_assert(eq(int, hp_error_last()->column, 4));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "x"), NULL)));
}

Test(rule_parse, numbers_ignore_the_locale)
{
    static const char *const locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "de_DE"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof locales / sizeof locales[0] && !set; i++)
        set = setlocale(LC_ALL, locales[i]);
    if (!set)
        cr_skip_test("no locale with a decimal comma is installed");
    hp_rule r;
    char *json = NULL, *d = NULL;
    HP_ASSERT_OK(hp_rule_parse("7.82", &r));
    cr_assert(ieee_ulp_eq(dbl, r.value, 7.82, 4));
    HP_ASSERT_OK(hp_rule_to_json(&r, &json));
    cr_assert(eq(str, json, "{\"kind\":\"value\",\"value\":7.82}"));
    HP_ASSERT_OK(hp_rule_describe(&r, &d));
    cr_assert(eq(str, d, "reach 7.82"));
    hp_free(json);
    hp_free(d);
    hp_rule_dispose(&r);
    setlocale(LC_ALL, "C");
}

Test(rule_parse, null_arguments)
{
    hp_rule r;
    cr_assert(eq(int, hp_rule_parse(NULL, &r), HP_EINVAL));
    cr_assert(eq(int, r.kind, HP_RULE_NONE));
    cr_assert(eq(int, hp_rule_parse("≤18", NULL), HP_EINVAL));
}

/* ---- JSON ---- */

static void round_trip(const char *phrase)
{
    hp_rule a, b;
    char *json = NULL, *json2 = NULL;
    cr_assert(eq(int, hp_rule_parse(phrase, &a), HP_OK), "%s", phrase);
    cr_assert(eq(int, hp_rule_to_json(&a, &json), HP_OK), "%s", phrase);
    cr_assert(eq(int, hp_rule_from_json(json, &b), HP_OK), "%s: %s: %s", phrase, json,
              hp_error_last()->message);
    cr_expect(hp__rule_equal(&a, &b), "%s: %s does not read back equal", phrase, json);
    cr_assert(eq(int, hp_rule_to_json(&b, &json2), HP_OK));
    cr_expect(eq(str, json, json2), "%s: JSON not stable", phrase);
    hp_free(json);
    hp_free(json2);
    hp_rule_dispose(&a);
    hp_rule_dispose(&b);
}

Test(rule_json, round_trip_every_seed_phrase)
{
    for (size_t i = 0; i < sizeof SEED_PHRASES / sizeof SEED_PHRASES[0]; i++)
        round_trip(SEED_PHRASES[i].phrase);
    for (size_t i = 0; i < sizeof OTHER_FORMS / sizeof OTHER_FORMS[0]; i++)
        round_trip(OTHER_FORMS[i].phrase);
}

Test(rule_json, exact_text)
{
    static const struct {
        const char *phrase, *json;
    } cases[] = {
        {"≤18", "{\"kind\":\"le\",\"value\":18}"},
        {"77左右", "{\"kind\":\"about\",\"value\":77,\"tolerance\":0.02}"},
        {"10–15", "{\"kind\":\"range\",\"low\":10,\"high\":15}"},
        {"比2015年降低30%", "{\"kind\":\"change_from\",\"value\":-0.3,\"ref_year\":2015}"},
        {"下降25%", "{\"kind\":\"change_from\",\"value\":-0.25}"},
        {"力争每年降低 0. 5 个百分点", "{\"kind\":\"per_year\",\"value\":-0.5}"},
        {"每年降低5%", "{\"kind\":\"per_year\",\"value\":-0.05,\"compound\":true}"},
        {"持续改善", "{\"kind\":\"improve\"}"},
        {"全省控制目标内", "{\"kind\":\"reference_target\",\"scope\":\"province\"}"},
        {"优于全省平均水平",
         "{\"kind\":\"reference_value\",\"op\":\"better\",\"scope\":\"province\"}"},
        {"同比例提高", "{\"kind\":\"same_ratio\"}"},
        {"显著下降", "{\"kind\":\"qualitative\",\"text\":\"显著下降\"}"},
        {"≤18或持续改善",
         "{\"kind\":\"any\",\"rules\":[{\"kind\":\"le\",\"value\":18},{\"kind\":\"improve\"}]}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hp_rule r;
        char *json = NULL;
        HP_ASSERT_OK(hp_rule_parse(cases[i].phrase, &r));
        HP_ASSERT_OK(hp_rule_to_json(&r, &json));
        cr_expect(eq(str, json, (char *)cases[i].json), "%s", cases[i].phrase);
        hp_free(json);
        hp_rule_dispose(&r);
    }
}

Test(rule_json, reads_every_field_in_key_order)
{
    static const char *const texts[] = {
        "{\"kind\":\"expr\",\"expr\":\"psychiatric_hospitals >= 1\","
        "\"when\":\"population >= 300000\"}",
        "{\"kind\":\"same_ratio\",\"indicator\":\"life_expectancy\"}",
        "{\"kind\":\"reference_value\",\"op\":\"lt\",\"scope\":\"430000\"}",
        "{\"kind\":\"about\",\"value\":27,\"tolerance\":0.05}",
        "{\"kind\":\"qualitative\",\"text\":\"quote \\\" backslash \\\\ control \\u0001 "
        "tab \\u0009 中文\"}",
        "{\"kind\":\"all\",\"rules\":[{\"kind\":\"ge\",\"value\":2.1},"
        "{\"kind\":\"any\",\"rules\":[{\"kind\":\"le\",\"value\":3},{\"kind\":\"improve\"}]}]}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        hp_rule r;
        char *json = NULL;
        HP_ASSERT_OK(hp_rule_from_json(texts[i], &r));
        HP_ASSERT_OK(hp_rule_to_json(&r, &json));
        cr_expect(eq(str, json, (char *)texts[i]));
        hp_free(json);
        hp_rule_dispose(&r);
    }
}

Test(rule_json, about_tolerance_defaults)
{
    hp_rule r;
    HP_ASSERT_OK(hp_rule_from_json("{\"value\":77,\"kind\":\"about\"}", &r));
    cr_assert(ieee_ulp_eq(dbl, r.tolerance, HP_ABOUT_TOLERANCE, 4));
    hp_rule_dispose(&r);
}

static const struct json_error_case {
    const char *json;
    int code;
    const char *field;
    const char *fragment;
} JSON_ERRORS[] = {
    {"{\"kind\":\"lee\",\"value\":1}", HP_EVALIDATE, "kind",
     "rule.kind: unknown kind \"lee\" (did you mean \"le\"?)"},
    {"{\"kind\":\"le\",\"value\":\"18\"}", HP_EVALIDATE, "value",
     "must be a number, found a string"},
    {"{\"kind\":\"le\"}", HP_EVALIDATE, "value", "required for kind \"le\""},
    {"{\"kind\":\"le\",\"value\":18,\"valeu\":1}", HP_EVALIDATE, "valeu",
     "did you mean \"value\"?"},
    {"{\"kind\":\"le\",\"value\":18,\"colour\":1}", HP_EVALIDATE, "colour", "unknown field"},
    {"{\"kind\":\"le\",\"value\":18,\"low\":1}", HP_EVALIDATE, "low",
     "is not used by kind \"le\""},
    {"{\"kind\":\"range\",\"low\":20,\"high\":10}", HP_EVALIDATE, "low", "must not be above"},
    {"{\"kind\":\"range\",\"low\":1}", HP_EVALIDATE, "high", "required"},
    {"{\"kind\":\"change_from\",\"value\":-0.3,\"ref_year\":1900}", HP_EVALIDATE, "ref_year",
     "1949 to 2100, found 1900"},
    {"{\"kind\":\"change_from\",\"value\":-0.3,\"ref_year\":2015.5}", HP_EVALIDATE, "ref_year",
     "whole year"},
    {"{\"kind\":\"about\",\"value\":77,\"tolerance\":-1}", HP_EVALIDATE, "tolerance",
     "at least 0"},
    {"{\"kind\":\"reference_value\",\"scope\":\"province\",\"op\":\"beter\"}", HP_EVALIDATE, "op",
     "did you mean \"better\"?"},
    {"{\"kind\":\"reference_target\"}", HP_EVALIDATE, "scope", "required"},
    {"{\"kind\":\"reference_target\",\"scope\":\"provinceprovince\"}", HP_EVALIDATE, "scope",
     "at most 15 bytes"},
    {"{\"kind\":\"reference_target\",\"scope\":\"\"}", HP_EVALIDATE, "scope", "must not be empty"},
    {"{\"kind\":\"same_ratio\",\"indicator\":"
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
     HP_EVALIDATE, "indicator", "at most 63 bytes"},
    {"{\"kind\":\"same_ratio\",\"indicator\":7}", HP_EVALIDATE, "indicator",
     "must be a string, found a number"},
    {"{\"kind\":\"per_year\",\"value\":-0.05,\"compound\":1}", HP_EVALIDATE, "compound",
     "true or false, found a number"},
    {"{\"kind\":\"any\",\"rules\":[]}", HP_EVALIDATE, "rules", "empty array"},
    {"{\"kind\":\"any\",\"rules\":{}}", HP_EVALIDATE, "rules", "must be an array"},
    {"{\"kind\":\"any\",\"rules\":[{\"kind\":\"le\",\"value\":1},{\"kind\":\"lee\"}]}",
     HP_EVALIDATE, "rules[1].kind", "rule.rules[1].kind: unknown kind \"lee\""},
    {"{\"kind\":\"all\",\"rules\":[{\"kind\":\"any\",\"rules\":[{\"kind\":\"le\",\"value\":"
     "\"x\"}]}]}",
     HP_EVALIDATE, "rules[0].rules[0].value", "must be a number"},
    {"{\"kind\":\"any\",\"rules\":[3]}", HP_EVALIDATE, "rules[0]", "must be an object"},
    {"{\"kind\":\"expr\"}", HP_EVALIDATE, "expr", "required for kind \"expr\""},
    {"{\"kind\":\"expr\",\"expr\":\"\"}", HP_EVALIDATE, "expr", "must not be empty"},
    {"{\"kind\":\"le\",\"value\":18,\"value\":19}", HP_EVALIDATE, "value", "appears twice"},
    {"[1]", HP_EVALIDATE, "", "must be an object, found an array"},
    {"{\"value\":1}", HP_EVALIDATE, "kind", "missing"},
    {"{\"kind\":5}", HP_EVALIDATE, "kind", "must be a string, found a number"},
    {"{\"kind\":\"none\"}", HP_EVALIDATE, "kind", "unknown kind \"none\""},
    {"{\"kind\":\"le\",\"value\":1e999}", HP_EVALIDATE, "value", "finite"},
    {"{\"kind\":\"le\",\"value\":null}", HP_EVALIDATE, "value", "found null"},
    {"{\"kind\":", HP_EPARSE, "", "malformed JSON"},
    {"{\"kind\":\"le\" \"value\":1}", HP_EPARSE, "", "malformed JSON"},
    {"", HP_EPARSE, "", "malformed JSON"},
};

Test(rule_json, errors_name_the_field)
{
    for (size_t i = 0; i < sizeof JSON_ERRORS / sizeof JSON_ERRORS[0]; i++) {
        const struct json_error_case *c = &JSON_ERRORS[i];
        hp_rule r;
        int rc = hp_rule_from_json(c->json, &r);
        const hp_error *e = hp_error_last();
        cr_expect(eq(int, rc, c->code), "%s: rc %d (%s)", c->json, rc, e->message);
        cr_expect(eq(str, (char *)e->field, (char *)c->field), "%s: field \"%s\"", c->json,
                  e->field);
        cr_expect(strstr(e->message, c->fragment) != NULL, "%s: message \"%s\" lacks \"%s\"",
                  c->json, e->message, c->fragment);
        cr_expect(eq(int, r.kind, HP_RULE_NONE), "%s: out must be empty", c->json);
        cr_expect(r.rules == NULL && r.text == NULL && r.expr == NULL);
        hp_rule_dispose(&r);
    }
}

Test(rule_json, parse_error_has_position)
{
    hp_rule r;
    cr_assert(eq(int, hp_rule_from_json("{\"kind\":\"le\",\n \"value\": x}", &r), HP_EPARSE));
    const hp_error *e = hp_error_last();
    cr_assert(eq(int, e->line, 2));
    cr_assert(eq(int, e->column, 11));
    cr_assert(eq(str, (char *)e->file, "<json>"));
}

/* Nested any/all of the given depth (the top rule is level 1). */
static char *nested_json(int depth)
{
    size_t cap = (size_t)depth * 40 + 64;
    char *s = malloc(cap);
    size_t k = 0;
    for (int i = 1; i < depth; i++)
        k += (size_t)snprintf(s + k, cap - k, "{\"kind\":\"any\",\"rules\":[");
    k += (size_t)snprintf(s + k, cap - k, "{\"kind\":\"le\",\"value\":1}");
    for (int i = 1; i < depth; i++)
        k += (size_t)snprintf(s + k, cap - k, "]}");
    return s;
}

Test(rule_json, nesting_limited_to_16)
{
    hp_rule r;
    char *ok = nested_json(16), *deep = nested_json(17);
    HP_ASSERT_OK(hp_rule_from_json(ok, &r));
    hp_rule_dispose(&r);
    cr_assert(eq(int, hp_rule_from_json(deep, &r), HP_EVALIDATE));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "deeper than 16"), NULL)));
    cr_assert(eq(int, r.kind, HP_RULE_NONE));
    free(ok);
    free(deep);
}

Test(rule_json, from_cjson_writes_field_path)
{
    cJSON *obj = cJSON_Parse("{\"kind\":\"any\",\"rules\":[{\"kind\":\"ge\",\"value\":2},"
                             "{\"kind\":\"per_year\",\"value\":true}]}");
    cr_assert(not(eq(ptr, obj, NULL)));
    hp_rule r;
    char field[64];
    int rc = hp__rule_from_cjson(obj, &r, field, sizeof field);
    cr_assert(eq(int, rc, HP_EVALIDATE));
    cr_assert(eq(str, field, "rules[1].value"));
    cr_assert(eq(str, (char *)hp_error_last()->field, "rules[1].value"));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message,
                                 "rule.rules[1].value: must be a number, found true"),
                     NULL)));
    cr_assert(eq(int, r.kind, HP_RULE_NONE));
    cr_assert(eq(ptr, r.rules, NULL));
    /* a short field buffer is cut, not overrun */
    char small[6];
    cr_assert(eq(int, hp__rule_from_cjson(obj, &r, small, sizeof small), HP_EVALIDATE));
    cr_assert(eq(str, small, "rules"));
    cJSON_Delete(obj);

    obj = cJSON_Parse("{\"kind\":\"same_ratio\"}");
    HP_ASSERT_OK(hp__rule_from_cjson(obj, &r, field, sizeof field));
    cr_assert(eq(str, field, ""));
    cr_assert(eq(int, r.kind, HP_RULE_SAME_RATIO));
    cr_assert(eq(str, r.indicator, ""));
    cJSON_Delete(obj);

    obj = cJSON_Parse("\"le\"");
    cr_assert(eq(int, hp__rule_from_cjson(obj, &r, field, sizeof field), HP_EVALIDATE));
    cr_assert(eq(str, field, ""));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "found a string"), NULL)));
    cJSON_Delete(obj);
    cr_assert(eq(int, hp__rule_from_cjson(NULL, &r, field, sizeof field), HP_EVALIDATE));
}

Test(rule_json, write_json_escapes)
{
    hp_buf b;
    hp__buf_init(&b);
    hp__json_escape(&b, "a\"b\\c\n\x01\x7f" "中\xFF");
    cr_assert(eq(str, b.data, "\"a\\\"b\\\\c\\u000a\\u0001\\u007f中\xEF\xBF\xBD\""));
    hp__buf_free(&b);
    hp__buf_init(&b);
    hp__json_escape(&b, NULL);
    cr_assert(eq(str, b.data, "null"));
    hp__buf_free(&b);
}

Test(rule_json, to_json_rejects_incomplete_rules)
{
    hp_rule r;
    char *json = (char *)1;
    hp_rule_init(&r);
    cr_assert(eq(int, hp_rule_to_json(&r, &json), HP_EINVAL));
    cr_assert(eq(ptr, json, NULL));
    r.kind = HP_RULE_LE; /* value still NaN */
    cr_assert(eq(int, hp_rule_to_json(&r, &json), HP_EINVAL));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "no finite value"), NULL)));
    r.kind = HP_RULE_REFERENCE_TARGET; /* scope "" */
    cr_assert(eq(int, hp_rule_to_json(&r, &json), HP_EINVAL));
    r.kind = HP_RULE_CHANGE_FROM;
    r.value = -0.3;
    r.ref_year = 1900;
    cr_assert(eq(int, hp_rule_to_json(&r, &json), HP_EINVAL));
    r.ref_year = 2015;
    cr_assert(eq(int, hp_rule_to_json(&r, &json), HP_OK));
    cr_assert(eq(str, json, "{\"kind\":\"change_from\",\"value\":-0.3,\"ref_year\":2015}"));
    hp_free(json);
    cr_assert(eq(int, hp_rule_to_json(NULL, &json), HP_EINVAL));
}

/* ---- value type, names, descriptions ---- */

Test(rule_value, init_copy_dispose)
{
    hp_rule a, b;
    hp_rule_init(&a);
    cr_assert(eq(int, a.kind, HP_RULE_NONE));
    cr_assert(not(hp_rule_has(a.value)));
    cr_assert(hp_rule_has(0.0));
    HP_ASSERT_OK(hp_rule_parse("显著下降或≤18且持续改善", &a));
    HP_ASSERT_OK(hp_rule_copy(&b, &a));
    cr_assert(hp__rule_equal(&a, &b));
    cr_assert(not(eq(ptr, a.rules, b.rules)));
    cr_assert(not(eq(ptr, a.rules[0].text, b.rules[0].text)));
    hp_rule_dispose(&a);
    cr_assert(eq(int, a.kind, HP_RULE_NONE));
    cr_assert(eq(ptr, a.rules, NULL));
    cr_assert(eq(str, b.rules[0].text, "显著下降"));
    hp_rule_dispose(&b);
    hp_rule_dispose(&b); /* idempotent */
    hp_rule_dispose(NULL);
    cr_assert(eq(int, hp_rule_copy(NULL, &a), HP_EINVAL));
}

Test(rule_value, kind_names)
{
    for (int k = HP_RULE_LE; k <= HP_RULE_ALL; k++) {
        hp_rule_kind back = HP_RULE_NONE;
        HP_ASSERT_OK(hp_rule_kind_from_name(hp_rule_kind_name((hp_rule_kind)k), &back));
        cr_assert(eq(int, back, k));
    }
    cr_assert(eq(str, (char *)hp_rule_kind_name(HP_RULE_NONE), "none"));
    cr_assert(eq(str, (char *)hp_rule_kind_name(HP_RULE_CHANGE_FROM), "change_from"));
    hp_rule_kind k;
    cr_assert(eq(int, hp_rule_kind_from_name("changefrom", &k), HP_ENOTFOUND));
    cr_assert(not(eq(ptr, strstr(hp_error_last()->message, "did you mean \"change_from\""), NULL)));
    cr_assert(eq(int, hp_rule_kind_from_name("zzzzzzzz", &k), HP_ENOTFOUND));
    cr_assert(eq(int, hp_rule_kind_from_name(NULL, &k), HP_EINVAL));
    cr_assert(eq(str, (char *)hp_rule_op_name(HP_OP_BETTER), "better"));
    cr_assert(eq(str, (char *)hp_rule_op_name(HP_OP_GE), "ge"));
}

Test(rule_value, describe)
{
    static const struct {
        const char *phrase, *text;
    } cases[] = {
        {"≤18", "≤ 18"},
        {"<30", "< 30"},
        {"≥2.1", "≥ 2.1"},
        {"79", "reach 79"},
        {"77左右", "≈ 77 (±2%)"},
        {"10–15", "10–15"},
        {"比2015年降低30%", "−30% vs 2015"},
        {"下降25%", "−25% vs baseline"},
        {"力争每年降低0.5个百分点", "−0.5 per year"},
        {"每年降低5%", "−5% per year (compound)"},
        {"持续改善", "improve on baseline"},
        {"全省控制目标内", "within province target"},
        {"低于全省平均水平", "below province"},
        {"同比例提高", "same ratio as the related indicator"},
        {"显著下降", "qualitative: 显著下降"},
        {"≤18或≥2.1且<3", "≤ 18 or (≥ 2.1 and < 3)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hp_rule r;
        char *d = NULL;
        HP_ASSERT_OK(hp_rule_parse(cases[i].phrase, &r));
        HP_ASSERT_OK(hp_rule_describe(&r, &d));
        cr_expect(eq(str, d, (char *)cases[i].text), "%s", cases[i].phrase);
        hp_free(d);
        hp_rule_dispose(&r);
    }
    hp_rule e;
    char *d = NULL;
    hp_rule_init(&e);
    e.kind = HP_RULE_EXPR;
    e.expr = "beds_per_1000 >= 6";
    e.when = "population >= 300000";
    HP_ASSERT_OK(hp_rule_describe(&e, &d));
    cr_assert(eq(str, d, "beds_per_1000 >= 6 when population >= 300000"));
    hp_free(d);
}

/* ---- allocation failures: every path frees what it took (ASan/valgrind check leaks) ---- */

static long alloc_budget = -1;

static void *fail_malloc(size_t n, void *ctx)
{
    (void)ctx;
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return malloc(n);
}

static void *fail_realloc(void *p, size_t n, void *ctx)
{
    (void)ctx;
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return realloc(p, n);
}

static void plain_free(void *p, void *ctx)
{
    (void)ctx;
    free(p);
}

Test(rule_alloc, every_failure_is_reported_and_cleaned_up)
{
    hp_allocator a = {fail_malloc, fail_realloc, plain_free, NULL};
    HP_ASSERT_OK(hp_set_allocator(&a));
    int succeeded = 0;
    for (long budget = 0; budget < 200 && !succeeded; budget++) {
        hp_rule r, c;
        char *json = NULL;
        alloc_budget = budget;
        int rc = hp_rule_parse("显著下降或≤18且全省控制目标内", &r);
        if (rc != HP_OK) {
            cr_assert(eq(int, rc, HP_ENOMEM), "budget %ld: rc %d", budget, rc);
            cr_assert(eq(int, r.kind, HP_RULE_NONE));
            continue;
        }
        rc = hp_rule_copy(&c, &r);
        if (rc == HP_OK) {
            rc = hp_rule_to_json(&c, &json);
            hp_rule_dispose(&c);
        }
        if (rc == HP_OK) {
            hp_rule back;
            rc = hp_rule_from_json(json, &back);
            /* cJSON cannot tell a failed allocation from bad text */
            cr_assert(rc == HP_OK || rc == HP_ENOMEM || rc == HP_EPARSE);
            if (rc == HP_OK)
                succeeded = hp__rule_equal(&r, &back);
            hp_rule_dispose(&back);
        } else {
            cr_assert(eq(int, rc, HP_ENOMEM));
        }
        hp_free(json);
        hp_rule_dispose(&r);
    }
    alloc_budget = -1;
    hp_set_allocator(NULL);
    cr_assert(succeeded);
}

/* Absolute changes from a year, in the indicator's unit (change_by). */
Test(rule_parse, absolute_change_from_a_year)
{
    static const struct {
        const char *phrase;
        double value;
        int ref_year;
    } cases[] = {
        {"比2015年提高3.1岁", 3.1, 2015},
        {"在2020年基础上继续提高1岁左右", 1, 2020},
        {"较2020年下降2个百分点", -2, 2020},
        {"下降0.5个百分点", -0.5, 0},
        {"-2 pp vs 2020", -2, 2020},
        {"+3.1 years vs 2015", 3.1, 2015},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hp_rule r;
        int rc = hp_rule_parse(cases[i].phrase, &r);
        cr_assert(eq(int, rc, HP_OK), "%s: %s", cases[i].phrase, hp_error_last()->message);
        cr_assert(eq(int, r.kind, HP_RULE_CHANGE_BY), "%s", cases[i].phrase);
        cr_assert(ieee_ulp_eq(dbl, r.value, cases[i].value, 4), "%s: %g", cases[i].phrase, r.value);
        cr_assert(eq(int, r.ref_year, cases[i].ref_year), "%s", cases[i].phrase);
        char *json;
        HP_ASSERT_OK(hp_rule_to_json(&r, &json));
        hp_rule back;
        HP_ASSERT_OK(hp_rule_from_json(json, &back));
        cr_assert(eq(int, back.kind, HP_RULE_CHANGE_BY));
        hp_free(json);
        hp_rule_dispose(&back);
        hp_rule_dispose(&r);
    }
    hp_rule r;
    HP_ASSERT_OK(hp_rule_parse("比2015年提高3.1岁", &r));
    char *text;
    HP_ASSERT_OK(hp_rule_to_json(&r, &text));
    cr_assert(eq(str, text, "{\"kind\":\"change_by\",\"value\":3.1,\"ref_year\":2015}"));
    hp_free(text);
    HP_ASSERT_OK(hp_rule_describe(&r, &text));
    cr_assert(eq(str, text, "+3.1 vs 2015"));
    hp_free(text);
    hp_rule_dispose(&r);
}
