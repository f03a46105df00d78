"""compare (regions side by side) and audit (findings about the plans' own numbers)."""
import csv
import io
import json

import pytest

import healthplan

CITIES = ["430900", "430400", "430000", "CN"]


def test_compare_cells_match_the_csv(builtin):
    c = builtin.compare(CITIES)
    assert c.region_codes == CITIES and [r.code for r in c.regions] == CITIES
    assert len(c) == len(c.indicator_ids) * 4
    rows = list(csv.DictReader(io.StringIO(c.to_csv())))
    assert tuple(c.to_csv().splitlines()[0].split(",")) == healthplan.COMPARE_COLUMNS
    assert len(rows) == len(c)
    for row, cell in zip(rows, c.to_records()):
        for k, v in cell.items():
            assert (row[k] == "") == (v is None), (k, row, cell)
            if v is not None and k in ("value", "target_value", "gap"):
                assert float(row[k]) == pytest.approx(v, rel=1e-9)
            elif v is not None:
                assert row[k] == str(v)
    assert len(json.loads(c.to_json())) == len(c)


def test_compare_yiyang_infant_mortality(builtin):
    c = builtin.compare(["430900", "430400"], indicators=["infant_mortality"], year=2020)
    y = c["infant_mortality", "430900"]
    assert (y.value, y.year, y.rank) == (2.82, 2020, 1)
    assert (y.plan, y.target, y.status, y.target_value) == ("yiyang-13fyp", "3", "achieved", 6.5)
    assert repr(y) == ("<Cell infant_mortality 430900, 2.82 (2020) #1, "
                       "target yiyang-13fyp/3 6.5 2020: achieved>")
    h = c["infant_mortality", "430400"]
    assert h.value is None and h.rank is None and h.plan == "hengyang-2030"
    assert [ind for ind, _ in c.rows()] == ["infant_mortality"]
    assert repr(c) == "<Comparison 1 indicators × 2 regions (430900, 430400)>"


def test_compare_errors(builtin):
    with pytest.raises(healthplan.NotFoundError):
        builtin.compare(["430900", "439999"])
    with pytest.raises(healthplan.InvalidArgumentError):
        builtin.compare([])


def test_compare_to_pandas(builtin):
    pytest.importorskip("pandas")
    df = builtin.compare(CITIES).to_pandas()
    assert tuple(df.columns) == healthplan.COMPARE_COLUMNS
    assert str(df["rank"].dtype) == "Int32"


def test_audit(builtin):
    a = builtin.audit()
    assert len(a) > 0
    sev = [f.severity for f in a]
    order = {"error": 0, "warning": 1, "info": 2}
    assert sev == sorted(sev, key=order.get)  # errors first, then warnings, then info
    assert all(f.kind in ("ratio", "unit", "conflict", "implausible") for f in a)
    rows = list(csv.DictReader(io.StringIO(a.to_csv())))
    assert tuple(a.to_csv().splitlines()[0].split(",")) == healthplan.AUDIT_COLUMNS
    assert [r["message"] for r in rows] == [f.message for f in a]
    assert a.to_records()[0]["severity"] == a[0].severity
    unit = [f for f in a if f.kind == "unit" and f.indicator == "infant_mortality"]
    assert unit and unit[0].target == "yiyang-13fyp/3"
    assert len(builtin.audit(plan="yiyang-13fyp")) <= len(a)
    with pytest.raises(healthplan.NotFoundError):
        builtin.audit(plan="nope")
    assert repr(a).startswith("<Audit %d findings" % len(a))


def test_rollup_sums_counties_and_derives_ratios():
    import os
    import healthplan
    here = os.path.dirname(os.path.abspath(__file__))
    ds = healthplan.load(os.path.join(here, "..", "..", "..", "tests", "data", "rollup.json"))
    assert ds.rollup() == 8
    # C1: 100 + 50 beds, 10000 + 40000 people: 150 / 50000 × 1000 = 3 beds per 1000
    o = ds.observation("C1", "beds_per_1000", 2020)
    assert abs(o.value - 3.0) < 1e-12
    assert o.status == "derived"
    assert ds.rollup() == 0
