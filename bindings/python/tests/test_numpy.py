"""Bulk: observations in from numpy arrays, results out as numpy arrays."""
import array
import json
from collections import defaultdict

import pytest

import healthplan
from conftest import by_id

np = pytest.importorskip("numpy")


def _without_observations(doc):
    d = dict(doc)
    obs = d.pop("observations")
    ds = healthplan.Dataset()
    ds.loads(json.dumps(d, ensure_ascii=False), name="eval-no-obs.json")
    return ds, obs


def test_add_series_round_trip_gives_the_hand_computed_numbers(eval_doc, eval_ds):
    ds, obs = _without_observations(eval_doc)
    series = defaultdict(list)
    for o in obs:
        series[(o["region"], o["indicator"])].append((o["year"], o["value"]))
    for (region, indicator), pts in series.items():
        years = np.array([y for y, _ in pts], dtype=np.int32)
        values = np.array([v for _, v in pts], dtype=np.float64)
        ds.add_series(region, indicator, years, values, source="numpy")
    assert ds.counts == eval_ds.counts
    assert ds.observation("430900", "beds", 2022).source == "numpy"
    res = by_id(ds.evaluate())
    assert res["B"].ratio == pytest.approx(1.1184415432240356, rel=1e-12)
    assert res["C"].target_value == pytest.approx(43.6)
    assert res["D"].target_value == pytest.approx(14.0)
    assert res["D"].ratio == pytest.approx(1.2453602132217396, rel=1e-12)
    # the same numbers as loading the JSON, array for array
    a, b = ds.evaluate().arrays(), eval_ds.evaluate().arrays()
    for k in a:
        if a[k].dtype.kind == "f":
            np.testing.assert_array_equal(a[k], b[k])
        else:
            assert list(a[k]) == list(b[k]), k


def test_add_observations_from_columns_and_dataframe(eval_doc, eval_ds):
    ds, obs = _without_observations(eval_doc)
    ds.add_observations(region=np.array([o["region"] for o in obs]),
                        indicator=[o["indicator"] for o in obs],
                        year=np.array([o["year"] for o in obs], dtype=np.int64),
                        value=np.array([o["value"] for o in obs]))
    assert ds.counts == eval_ds.counts
    np.testing.assert_array_equal(ds.evaluate().arrays()["ratio"],
                                  eval_ds.evaluate().arrays()["ratio"])
    pd = pytest.importorskip("pandas")
    ds2, _ = _without_observations(eval_doc)
    df = pd.DataFrame(obs).rename(columns={"region": "REF_AREA", "indicator": "INDICATOR",
                                           "year": "TIME_PERIOD", "value": "OBS_VALUE"})
    ds2.add_observations(df)
    assert ds2.counts == eval_ds.counts


def test_add_series_conversions_and_errors(eval_ds):
    eval_ds.add_series("430900", "le", [2021, 2022], [77.6, 77.8])           # lists
    eval_ds.add_series("430900", "hle", np.array([2021.0]), np.array([70]))  # float years, int values
    eval_ds.add_series("430921", "pop", array.array("i", [2023]), array.array("d", [490000]))
    assert eval_ds.observation("430900", "le", 2022).value == 77.8
    assert eval_ds.observation("430900", "hle", 2021).value == 70.0
    with pytest.raises(ValueError):
        eval_ds.add_series("430900", "le", [2023, 2024], [1.0])
    with pytest.raises(ValueError):
        eval_ds.add_series("430900", "le", [2023.5], [1.0])
    with pytest.raises(healthplan.InvalidArgumentError):  # no number without status missing
        eval_ds.add_series("430900", "le", [2023], [float("nan")])
    with pytest.raises(healthplan.RangeError):
        eval_ds.add_series("430900", "le", [2023], [float("inf")])
    with pytest.raises(healthplan.NotFoundError):
        eval_ds.add_series("439999", "le", [2023], [1.0])
    n = eval_ds.counts["observations"]
    with pytest.raises(healthplan.ExistsError):
        eval_ds.add_series("430900", "le", [2023, 2022], [78.0, 1.0])
    assert eval_ds.counts["observations"] == n  # all or nothing


def test_low_level_buffers_are_checked():
    from healthplan import _healthplan as _hp
    ds = healthplan.Dataset.builtin()
    h = ds._handle()
    with pytest.raises(TypeError, match="years"):
        _hp.hp_py_add_series(h, "430900", "infant_mortality", np.array([2021], np.int64),
                             np.array([1.0]), None)
    with pytest.raises(TypeError, match="values"):
        _hp.hp_py_add_series(h, "430900", "infant_mortality", np.array([2021], np.int32),
                             np.array([1.0], np.float32), None)
    with pytest.raises(TypeError):
        _hp.hp_py_add_series(h, "430900", "infant_mortality", [2021], [1.0], None)
    res = ds.evaluate(plan="yiyang-13fyp")
    with pytest.raises(ValueError):
        _hp.hp_py_results_fill(res._handle(), {"ratio": np.empty(3)})
    with pytest.raises(TypeError):
        _hp.hp_py_results_fill(res._handle(), {"ratio": np.empty(10, np.float32)})
    with pytest.raises(KeyError):
        _hp.hp_py_results_fill(res._handle(), {"nope": np.empty(10)})
    with pytest.raises(TypeError):  # read-only
        ro = np.empty(10)
        ro.setflags(write=False)
        _hp.hp_py_results_fill(res._handle(), {"ratio": ro})


def test_bulk_synthetic_series():
    """Many series in, many results out, without a Python loop per element."""
    ds = healthplan.Dataset()
    ds.add_region("CN", level="country")
    n = 300
    codes = ["R%04d" % i for i in range(n)]
    for c in codes:
        ds.add_region(c, parent="CN", level="province")
    ds.add_indicator("x", unit="percent", direction="higher")
    ds.add_plan("p", "CN", start=2021, end=2025, baseline_year=2020)
    years = np.arange(2020, 2024, dtype=np.int32)
    rng = np.random.default_rng(7)
    base = rng.uniform(10, 50, n)
    growth = rng.uniform(-0.02, 0.05, n)
    values = base[:, None] * (1 + growth[:, None]) ** (years - 2020)[None, :]
    ds.add_observations(region=np.repeat(codes, len(years)), indicator=["x"] * (n * 4),
                        year=np.tile(years, n), value=values.ravel())
    ds.loads("plan,id,region,indicator,year,target\n" + "".join(
        "p,t%d,%s,x,2025,≥%.6f\n" % (i, c, base[i] * 1.1) for i, c in enumerate(codes)),
        name="targets.csv")
    res = ds.evaluate()
    a = res.arrays()
    assert len(res) == n
    # required compound rate from the 2020 baseline to 1.1 × base by 2025
    np.testing.assert_allclose(a["required_rate"], 1.1 ** (1 / 5) - 1, rtol=1e-6)
    np.testing.assert_allclose(a["actual_rate"], growth, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a["latest"], values[:, -1], rtol=1e-12)
    assert set(a["latest_year"]) == {2023} and set(a["baseline_year"]) == {2020}


def test_integer_region_codes_and_notes():
    ds = healthplan.Dataset.builtin()
    ds.add_observations(region=np.array([430900, 430900]), indicator=["beds_per_1000"] * 2,
                        year=[2022, 2023], value=[7.9, 7.95], note=["from a table", None])
    assert ds.observation("430900", "beds_per_1000", 2022).note == "from a table"
    assert ds.observation(430900, "beds_per_1000", 2023).note is None
    ds.add_observations([(430400, "beds_per_1000", 2023, 7.1)])
    assert ds.latest("430400", "beds_per_1000").value == 7.1
