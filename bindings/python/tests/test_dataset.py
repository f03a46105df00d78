"""Datasets: built-in data, iteration, look-ups, records, loading, saving, adding."""
import gc
import json
import pickle

import pytest

import healthplan
from healthplan import Dataset


def test_builtin_counts(builtin):
    c = builtin.counts
    assert c["plans"] == len(builtin.plans) >= 3
    assert c["regions"] == len(builtin.regions)
    assert c["indicators"] == len(builtin.indicators)
    assert c["targets"] == len(builtin.targets())
    assert c["observations"] == len(builtin.observations())
    assert {"yiyang-13fyp", "yiyang-14fyp", "hengyang-2030"} <= set(builtin.plans.ids())
    assert repr(builtin).startswith("<Dataset: %d regions, " % c["regions"])


def test_empty_dataset():
    with Dataset() as ds:
        assert ds.counts == {"regions": 0, "indicators": 0, "plans": 0, "targets": 0,
                             "observations": 0}
        assert list(ds.regions) == [] and ds.targets() == []
        assert len(ds.evaluate()) == 0


def test_region_attributes_and_repr(builtin):
    r = builtin.region("430900")
    assert (r.code, r.name_zh, r.name_en, r.level) == ("430900", "益阳市", "Yiyang", "prefecture")
    assert r.parent.code == "430000" and r.parent.parent.code == "CN"
    assert r.ancestor("province") == builtin.region("430000")
    assert repr(r) == "<Region 430900 益阳市 Yiyang prefecture>"
    assert str(r) == "430900"
    assert builtin.region(430900) == r and hash(builtin.region(430900)) == hash(r)
    assert builtin.regions["430900"] == r and "430900" in builtin.regions
    assert "999999" not in builtin.regions
    assert builtin.regions[r.index] == r
    assert "430921" in [c.code for c in r.children]


def test_indicator_plan_target_attributes(builtin):
    ind = builtin.indicator("infant_mortality")
    assert ind.unit == "permille" and ind.direction == "lower"
    assert repr(ind).startswith("<Indicator infant_mortality ")
    p = builtin.plan("yiyang-13fyp")
    assert (p.region.code, p.start, p.end, p.target_count) == ("430900", 2016, 2020, 10)
    assert repr(p) == "<Plan yiyang-13fyp 430900 2016–2020, 10 targets>"
    t = builtin.target("yiyang-13fyp", "3")
    assert repr(t) == "<Target yiyang-13fyp/3 infant_mortality 430900 2020 ≤6.5>"
    assert t.indicator == ind and t.plan == p and t.region.code == "430900"
    assert t.year == 2020 and t.as_printed == "≤6.5"
    assert t.rule == {"kind": "le", "value": 6.5} and t.rule.kind == "le"
    assert t.nature in healthplan.NATURES
    assert str(t) == "yiyang-13fyp/3"
    assert [x.id for x in p.targets] == [str(i) for i in range(1, 11)]


def test_targets_filters(builtin):
    ts = builtin.targets(plan="yiyang-14fyp")
    assert len(ts) == builtin.plan("yiyang-14fyp").target_count
    assert all(t.plan.id == "yiyang-14fyp" for t in ts)
    im = builtin.targets(region="430900", indicator="infant_mortality")
    assert im and all(t.indicator.id == "infant_mortality" for t in im)
    assert all(t.year == 2020 for t in builtin.targets(plan="yiyang-13fyp", year=2020))
    assert builtin.targets(plan="yiyang-13fyp", year=1999) == []


def test_lookup_errors_name_the_nearest(builtin):
    with pytest.raises(healthplan.NotFoundError) as e:
        builtin.plan("yiyang-13")
    assert 'did you mean "yiyang-13fyp"' in str(e.value)
    assert e.value.code == healthplan.HP_ENOTFOUND
    assert isinstance(e.value, KeyError) or isinstance(e.value, LookupError)
    with pytest.raises(healthplan.NotFoundError):
        builtin.region("430901")
    with pytest.raises(healthplan.NotFoundError):
        builtin.indicator("infant_mortalty")
    with pytest.raises(healthplan.NotFoundError):
        builtin.target("yiyang-13fyp", "99")
    with pytest.raises(healthplan.NotFoundError):
        builtin.targets(plan="nope")
    with pytest.raises(IndexError):
        builtin.regions[10 ** 6]


def test_observations(builtin):
    o = builtin.observation("430900", "infant_mortality", 2020)
    assert (o.region, o.indicator, o.year, o.value) == ("430900", "infant_mortality", 2020, 2.82)
    assert o.status == "final" and o.verdict is None and o.source
    assert repr(o) == "<Observation 430900 infant_mortality 2020 2.82>"
    assert builtin.latest("430900", "infant_mortality").year == 2020
    with pytest.raises(healthplan.NotFoundError):
        builtin.observation("430900", "infant_mortality", 2019)
    q = builtin.observation("430900", "life_expectancy", 2020)
    assert q.value is None and q.verdict == "met"
    assert all(x.region == "430900" for x in builtin.observations(region="430900"))


def test_match_indicator(builtin):
    assert builtin.match_indicator("婴儿死亡率（‰）").id == "infant_mortality"


def test_load_parse_error_has_file_line_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "healthplan/1",\n "regions": [\n'
                   '  {"code": "X1", "name_en": "益阳x" x}]\n}\n', encoding="utf-8")
    with pytest.raises(healthplan.ParseError) as e:
        healthplan.load(bad)
    err = e.value
    # column 35 counts code points: 益 and 阳 are one column each
    assert (err.file, err.line, err.column) == (str(bad), 3, 35)
    assert err.code == healthplan.HP_EPARSE and err.code_name == "HP_EPARSE"
    assert str(err).startswith("%s:3:35: " % bad)
    assert isinstance(err, healthplan.Error) and isinstance(err, ValueError)


def test_load_validation_error_names_the_field(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "healthplan/1",\n "regions": [\n  {"code": 430900}\n ]}\n')
    with pytest.raises(healthplan.ValidationError) as e:
        healthplan.load(bad)
    assert (e.value.line, e.value.column, e.value.field) == (3, 12, "regions[0].code")


def test_load_csv_error_and_missing_file(tmp_path):
    csv = tmp_path / "obs.csv"
    csv.write_text("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortality,2020,abc\n")
    with pytest.raises(healthplan.ParseError) as e:
        healthplan.load(csv, builtin=True)
    assert (e.value.line, e.value.column, e.value.field) == (2, 30, "OBS_VALUE")
    with pytest.raises(healthplan.FileError) as e:
        healthplan.load(tmp_path / "missing.json")
    assert isinstance(e.value, OSError) and e.value.code == healthplan.HP_EIO


def test_failed_load_leaves_the_dataset_unchanged(tmp_path):
    good = tmp_path / "obs.csv"
    good.write_text("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,infant_mortality,2021,2.7\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,nope,2021,1\n")
    ds = Dataset.builtin()
    before = ds.counts
    with pytest.raises(healthplan.NotFoundError):
        ds.load(good, bad)
    assert ds.counts == before
    ds.load(good)
    assert ds.observation("430900", "infant_mortality", 2021).value == 2.7


def test_load_several_files_and_warnings(tmp_path):
    doc = {"format": "healthplan/1", "regions": [{"code": "ZZ", "level": "country"}],
           "unknown_key": 1}
    f = tmp_path / "w.json"
    f.write_text(json.dumps(doc))
    with pytest.warns(healthplan.HealthplanWarning) as rec:
        ws = Dataset().load(f)
    assert ws and "unknown_key" in str(ws[0]) and rec
    with pytest.raises(healthplan.Error):
        Dataset().load(f, strict=True)


def test_loads_json_and_csv_text(eval_doc):
    ds = Dataset()
    ds.loads(json.dumps(eval_doc, ensure_ascii=False))
    ds.loads("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,im,2023,2.4\n", name="x.csv")
    assert ds.observation("430900", "im", 2023).value == 2.4
    with pytest.raises(healthplan.ParseError) as e:
        ds.loads("REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,im,2024,x\n", name="y.csv")
    assert e.value.file == "y.csv" and e.value.line == 2


def test_save_and_to_json_round_trip(builtin, tmp_path):
    path = tmp_path / "all.json"
    builtin.save(path)
    again = healthplan.load(path)
    assert again.counts == builtin.counts
    assert again.to_json() == builtin.to_json()
    assert json.loads(builtin.to_json())["format"] == "healthplan/1"
    assert builtin.observations_csv().startswith("REF_AREA,")


def test_pickle_round_trip(eval_ds):
    again = pickle.loads(pickle.dumps(eval_ds))
    assert again.counts == eval_ds.counts
    with pytest.raises(TypeError):
        pickle.dumps(eval_ds.region("430900"))


def test_add_records():
    ds = Dataset()
    ds.add_region("CN", name_en="China", level="country")
    r = ds.add_region(430000, name_zh="湖南省", parent="CN", level="province")
    assert r.parent.code == "CN" and r.level == "province"
    ds.add_indicator("im", name_en="Infant mortality", unit="permille", direction="lower",
                     aliases=["婴儿死亡率"])
    assert ds.indicator("im").aliases == ("婴儿死亡率",)
    p = ds.add_plan("p", "430000", start=2021, end=2025, baseline_year=2020)
    assert p.baseline_year == 2020
    t = ds.add_target("p", "1", "im", 2025, "≤6.5", nature="binding")
    assert t.rule == {"kind": "le", "value": 6.5} and t.as_printed == "≤6.5"
    assert t.nature == "binding"
    t2 = ds.add_target(p, "2", "im", 2025, {"kind": "change_from", "value": -0.3,
                                            "ref_year": 2020})
    assert t2.rule.ref_year == 2020
    with pytest.raises(healthplan.NotFoundError):
        ds.add_region("430900", parent="439999")
    with pytest.raises(healthplan.ExistsError):
        ds.add_region("CN", name_en="Not China", level="country")
    with pytest.raises(healthplan.InvalidArgumentError):
        ds.add_region("X", level="galaxy")
    with pytest.raises(healthplan.RangeError):
        ds.add_plan("q", "CN", start=1800, end=2025)


def test_add_observations_rows_and_columns():
    ds = Dataset.builtin()
    n = ds.counts["observations"]
    ds.add_observations([("430900", "infant_mortality", 2021, 2.7, "my survey"),
                         {"region": "430900", "indicator": "infant_mortality", "year": 2022,
                          "value": 2.6, "status": "provisional"},
                         healthplan.Observation("430900", "life_expectancy", 2021, None,
                                                "met")])
    assert ds.counts["observations"] == n + 3
    assert ds.observation("430900", "infant_mortality", 2021).source == "my survey"
    assert ds.observation("430900", "infant_mortality", 2022).status == "provisional"
    assert ds.observation("430900", "life_expectancy", 2021).verdict == "met"
    ds.add_observations(REF_AREA=["430400"], INDICATOR=["infant_mortality"],
                        TIME_PERIOD=[2020], OBS_VALUE=[3.1], OBS_STATUS=["E"])
    assert ds.observation("430400", "infant_mortality", 2020).status == "estimated"
    with pytest.raises(healthplan.ExistsError):
        ds.add_observations([("430900", "infant_mortality", 2021, 9.9)])
    with pytest.raises(healthplan.NotFoundError):
        ds.add_observations([("430900", "no_such_indicator", 2021, 1.0)])
    with pytest.raises(healthplan.RangeError):
        ds.add_observations([("430900", "infant_mortality", 1800, 1.0)])
    with pytest.raises(ValueError):
        ds.add_observations(region=["430900"], indicator=["infant_mortality"])


def test_records_keep_their_dataset_alive():
    region = Dataset.builtin().region("430900")
    target = Dataset.builtin().target("yiyang-13fyp", "3")
    gc.collect()
    assert region.name_zh == "益阳市" and region.parent.name_zh == "湖南省"
    assert target.indicator.id == "infant_mortality"
    assert region.dataset.counts["regions"] > 0


def test_close_is_idempotent_and_records_refuse_afterwards():
    ds = Dataset.builtin()
    r = ds.region("430900")
    res = ds.evaluate(plan="yiyang-13fyp")
    ds.close()
    ds.close()
    assert ds.closed and repr(ds) == "<Dataset (closed)>"
    with pytest.raises(ValueError):
        r.code
    with pytest.raises(ValueError):
        ds.counts
    with pytest.raises(ValueError):
        res[0]
    with pytest.raises(ValueError):
        res.arrays()
    res.close()
    res.close()
    del ds, r, res
    gc.collect()


def test_context_manager():
    with Dataset.builtin() as ds:
        assert len(ds.plans) > 0
    assert ds.closed


def test_builtin_files():
    files = healthplan.builtin_files()
    assert "yiyang-13fyp.json" in files
    assert json.loads(files["yiyang-13fyp.json"])["format"] == "healthplan/1"
