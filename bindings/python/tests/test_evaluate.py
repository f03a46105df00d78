"""Evaluation: values computed by hand from the seeds and tests/data/eval.json (the
expectations of tests/test_evaluate.c)."""
import csv
import io
import math

import pytest

import healthplan
from conftest import by_id

# seed 000, “十三五”主要指标完成情况: the printed completion values
YIYANG_13_PRINTED = {"2": 15.5, "3": 2.82, "4": 4.53, "6": 7.82, "7": 2.88, "8": 3.54,
                     "9": 2.62}


def test_yiyang_13fyp_reproduces_the_plan_table(builtin):
    res = builtin.evaluate(plan="yiyang-13fyp")
    assert len(res) == 10
    assert [r.status for r in res] == ["achieved"] * 10
    assert res.counts(plan="yiyang-13fyp")["achieved"] == 10
    for r in res:
        assert r.plan == "yiyang-13fyp" and r.region == "430900" and r.year == 2020
        assert r.latest_year == 2020 and r.met is True and r.cls == "achieved"
        if r.target in YIYANG_13_PRINTED:
            assert r.latest == YIYANG_13_PRINTED[r.target]
    r3 = by_id(res)["3"]
    assert (r3.indicator, r3.target_value, r3.gap) == ("infant_mortality", 6.5, pytest.approx(-3.68))
    assert r3.reason.startswith("2.82 meets ≤ 6.5 in 2020")
    assert r3.as_printed == "≤6.5"
    # a qualitative "met" (优于目标值): no number, still achieved
    r1 = by_id(res)["1"]
    assert r1.latest is None and r1.baseline is None and r1.gap is None and r1.met
    assert repr(r3) == ("<Result yiyang-13fyp/3 infant_mortality 430900 2020 achieved, "
                        "latest 2.82 (2020), target 6.5>")
    assert repr(res) == "<Results 10 targets: 10 achieved>"


def test_summary_table_and_dict(builtin):
    s = builtin.evaluate(plan="yiyang-13fyp").summary()
    assert s == {"yiyang-13fyp": {"achieved": 10, "not_achieved": 0, "on_track": 0,
                                  "off_track": 0, "no_data": 0, "not_assessable": 0,
                                  "total": 10}}
    lines = str(s).splitlines()
    assert lines[0].split() == ["plan", "targets"] + list(healthplan.STATUSES)
    assert lines[2].split() == ["yiyang-13fyp", "10", "10", "0", "0", "0", "0", "0"]
    everything = builtin.evaluate().summary()
    assert sum(c["total"] for c in everything.values()) == builtin.counts["targets"]
    assert "all" in str(everything).splitlines()[-1]
    by_region = builtin.evaluate().summary(by="region")
    assert by_region["430900"]["total"] == len(builtin.targets(region="430900"))


def test_eval_fixture_by_hand(eval_ds):
    res = by_id(eval_ds.evaluate())
    a = res["A"]
    assert (a.status, a.cls, a.latest_year, a.latest, a.target_value, a.gap) == \
        ("on_track", "achieved", 2022, 2.5, 6.5, -4.0)
    assert "already meets ≤ 6.5 in 2022 (target year 2025)" in a.reason
    b = res["B"]
    # required (8/7.82)^(1/5) − 1, actual (7.9/7.82)^(1/2) − 1
    assert b.required_rate == pytest.approx(0.004561770765542983, rel=1e-12)
    assert b.actual_rate == pytest.approx(0.005102073934848184, rel=1e-12)
    assert b.ratio == pytest.approx(1.1184415432240356, rel=1e-12)
    assert b.progress == pytest.approx(0.08 / 0.18, rel=1e-12)
    assert b.gap == pytest.approx(0.1) and (b.status, b.cls) == ("on_track", "significant")
    c = res["C"]  # 46.1 − 5 × 0.5 = 43.6, linear rates
    assert c.target_value == pytest.approx(43.6) and c.required_rate == pytest.approx(-0.5)
    assert c.actual_rate == pytest.approx(-0.45) and c.ratio == pytest.approx(0.9)
    assert (c.status, c.cls) == ("off_track", "moderate")
    d = res["D"]  # 20 × (1 − 0.30)
    assert d.target_value == pytest.approx(14.0)
    assert d.ratio == pytest.approx(1.2453602132217396, rel=1e-12)
    assert res["R"].status == "achieved" and res["R"].met
    in2025 = by_id(eval_ds.evaluate(as_of=2025))
    assert in2025["J"].status == "not_achieved"  # 489267 people, no psychiatric hospital
    assert "psych >= 1 is false in 430921" in in2025["J"].reason
    assert in2025["J2"].status == "not_assessable"
    assert in2025["J3"].status == "achieved"  # 20 ≥ 489267 / 30000 = 16.3
    assert res["L"].status == "no_data" and res["L"].cls is None and res["L"].gap is None
    assert res["L"].baseline_year is None and res["L"].latest_year is None
    assert res["K"].status == "not_assessable"
    assert res["M"].status == "achieved"


def test_methods_filters_and_as_of(eval_ds):
    assert by_id(eval_ds.evaluate(method="unsd"))["B"].ratio == pytest.approx(1.119650777404)
    p15 = eval_ds.evaluate(plan="p15")
    assert len(p15) == 4
    assert p15.counts() == {"achieved": 1, "not_achieved": 0, "on_track": 3, "off_track": 0,
                            "no_data": 0, "not_assessable": 0}
    assert {r.indicator for r in eval_ds.evaluate(indicator="im")} == {"im"}
    assert {r.region for r in eval_ds.evaluate(region="430921")} == {"430921"}
    # judged in 2025 on the latest observation before it: B misses 8, A meets 6.5
    in2025 = by_id(eval_ds.evaluate(as_of=2025))
    assert in2025["B"].status == "not_achieved"
    assert "no 2025 observation: the latest before it is used" in in2025["B"].reason
    assert in2025["A"].status == "achieved"
    for m in healthplan.METHODS:
        assert len(eval_ds.evaluate(method=m, threads=2)) == len(eval_ds.evaluate())


def test_unknown_filters_and_bad_options(eval_ds):
    with pytest.raises(healthplan.NotFoundError) as e:
        eval_ds.evaluate(plan="p2O")
    assert "did you mean" in str(e.value) and '"p20"' in str(e.value)
    with pytest.raises(healthplan.NotFoundError):
        eval_ds.evaluate(region="430999")
    with pytest.raises(healthplan.NotFoundError):
        eval_ds.evaluate(method="sdg")
    with pytest.raises(healthplan.InvalidArgumentError):
        eval_ds.evaluate(as_of=1800)
    with pytest.raises(healthplan.InvalidArgumentError):
        eval_ds.evaluate(baseline="sometimes")
    with pytest.raises(healthplan.InvalidArgumentError):
        eval_ds.evaluate(thresholds={"signifcant": 0.9})


def _same(csv_cell, value):
    if csv_cell == "":
        return value is None
    if isinstance(value, float):
        return math.isclose(float(csv_cell), value, rel_tol=1e-10, abs_tol=1e-12)
    return csv_cell == str(value)


def test_to_records_has_the_csv_columns_and_values(builtin, eval_ds):
    for res in (builtin.evaluate(), eval_ds.evaluate()):
        text = res.to_csv()
        rows = list(csv.DictReader(io.StringIO(text)))
        header = text.splitlines()[0].split(",")
        assert tuple(header) == healthplan.COLUMNS
        records = res.to_records()
        assert len(records) == len(rows) == len(res)
        for rec, row in zip(records, rows):
            assert list(rec) == header
            for k in header:
                assert _same(row[k], rec[k]), (k, row[k], rec[k])


def test_to_json_matches_records(eval_ds):
    import json
    res = eval_ds.evaluate()
    for j, rec in zip(json.loads(res.to_json()), res.to_records()):
        assert j["plan"] == rec["plan"] and j["status"] == rec["status"]
        assert json.loads(rec["rule"]) == j["rule"]


def test_to_pandas_columns_equal_the_csv_columns(eval_ds):
    pd = pytest.importorskip("pandas")
    res = eval_ds.evaluate()
    df = res.to_pandas()
    assert list(df.columns) == res.to_csv().splitlines()[0].split(",")
    assert len(df) == len(res)
    b = df[df.target == "B"].iloc[0]
    assert b.ratio == pytest.approx(1.1184415432240356, rel=1e-12)
    assert b.baseline_year == 2020 and b.status == "on_track"
    assert str(df.baseline_year.dtype) == "Int32" and df.gap.dtype == "float64"
    assert pd.isna(df[df.target == "L"].iloc[0].latest_year)


def test_arrays(eval_ds):
    np = pytest.importorskip("numpy")
    res = eval_ds.evaluate()
    a = res.arrays()
    n = len(res)
    assert all(len(v) == n for v in a.values())
    assert a["status"].dtype == np.int8 and a["cls"].dtype == np.int8
    assert a["year"].dtype == np.int32 and a["latest_year"].dtype == np.int32
    for k in ("baseline", "target_value", "latest", "gap", "progress", "required_rate",
              "actual_rate", "ratio"):
        assert a[k].dtype == np.float64
    i = list(a["target"]).index("B")
    assert a["ratio"][i] == pytest.approx(1.1184415432240356, rel=1e-12)
    assert healthplan.STATUSES[a["status"][i]] == "on_track"
    assert healthplan.CLASSES[a["cls"][i]] == "significant"
    j = list(a["target"]).index("L")
    assert math.isnan(a["latest"][j]) and a["latest_year"][j] == 0
    for r, st, met in zip(res, a["status"], a["met"]):
        assert healthplan.STATUSES[st] == r.status and bool(met) == r.met
    ds = res.dataset
    assert [ds.regions[k].code for k in a["region_index"]] == list(a["region"])
    assert [ds.indicators[k].id for k in a["indicator_index"]] == list(a["indicator"])


def test_results_sequence(eval_ds):
    res = eval_ds.evaluate()
    rows = list(res)
    assert rows[0] == res[0] and rows[-1] == res[-1] and res[1:3] == rows[1:3]
    assert res[::2] == rows[::2]
    assert res.get("p20", "B").ratio == rows[1].ratio
    assert res.get("p20", "nope") is None
    with pytest.raises(IndexError):
        res[len(res)]
    assert rows[0]._asdict()["plan"] == "p20"


def test_results_keep_their_dataset_alive(data_dir):
    import gc
    res = healthplan.load(data_dir / "eval.json").evaluate()
    gc.collect()
    assert by_id(res)["B"].ratio == pytest.approx(1.1184415432240356)
    assert res.to_records()[0]["plan"] == "p20"


def test_results_refuse_after_the_dataset_changed(eval_ds):
    res = eval_ds.evaluate()
    res.arrays()
    eval_ds.add_observations([("430900", "smoke", 2022, 22.0)])
    with pytest.raises(RuntimeError, match="evaluate again"):
        list(res)
    assert res.arrays()["status"].size == len(res)  # the numbers stay readable
    assert by_id(eval_ds.evaluate())["L"].status == "on_track"
