"""parse_target and Rule: how printed targets are read."""
import json

import pytest

import healthplan
from healthplan import Rule, parse_target


def test_parse_change_from():
    r = parse_target("比2015年降低30%")
    assert isinstance(r, Rule) and isinstance(r, dict)
    assert r == {"kind": "change_from", "value": -0.3, "ref_year": 2015}
    assert (r.kind, r.value, r.ref_year) == ("change_from", -0.3, 2015)
    assert r["kind"] == "change_from" and r.low is None and r.rules is None
    assert str(r) == "−30% vs 2015"
    assert repr(r) == "<Rule change_from value=-0.3 ref_year=2015: −30% vs 2015>"
    assert json.loads(r.to_json()) == r


@pytest.mark.parametrize("phrase, expected", [
    ("≤18", {"kind": "le", "value": 18}),
    ("30以下", {"kind": "le", "value": 30}),
    ("＜９５％", {"kind": "lt", "value": 95}),
    ("77左右", {"kind": "about", "value": 77, "tolerance": 0.02}),
    ("<= 18", {"kind": "le", "value": 18}),
    ("持续改善", {"kind": "improve"}),
    ("全省控制目标内", {"kind": "reference_target", "scope": "province"}),
])
def test_parse_phrases(phrase, expected):
    r = parse_target(phrase)
    for k, v in expected.items():
        assert r[k] == v, (phrase, r)


def test_per_year_and_composites():
    r = parse_target("力争每年降低0.5个百分点")
    assert r.kind == "per_year" and r.value == -0.5
    r = parse_target("≥30或≥24")
    assert r.kind == "any" and [x.kind for x in r.rules] == ["ge", "ge"]
    assert all(isinstance(x, Rule) for x in r.rules)


def test_parse_error_column():
    # ≤ 1 ８ x: the full-width ８ is read as 8, the x in column 4 is not
    with pytest.raises(healthplan.ParseError) as e:
        parse_target("≤1８x")
    err = e.value
    assert err.column == 4 and err.line == 1 and err.file == "<phrase>"
    assert err.code == healthplan.HP_EPARSE
    assert str(err).startswith("<phrase>:1:4: ")
    with pytest.raises(TypeError):
        parse_target(18)


def test_rule_from_dict_checks_it():
    r = Rule.from_dict({"kind": "range", "low": 7, "high": 8})
    assert (r.kind, r.low, r.high) == ("range", 7, 8)
    assert str(r)
    with pytest.raises(healthplan.ValidationError) as e:
        Rule.from_dict({"kind": "le"})
    assert e.value.field == "value"
    with pytest.raises(healthplan.Error):
        Rule.from_dict({"kind": "lesser", "value": 1})
    with pytest.raises(healthplan.ParseError):
        Rule.from_json("{not json")


def test_rule_kinds():
    assert healthplan.RULE_KINDS[0] == "none"
    assert {"le", "change_from", "per_year", "expr", "any", "all"} <= set(healthplan.RULE_KINDS)


def test_expr():
    e = healthplan.Expr("amb >= pop / 30000")
    assert e.variables == ("amb", "pop") and e.is_condition
    assert e(amb=20, pop=489267) == 1.0
    assert e.evaluate({"amb": 10, "pop": 489267}) == 0.0
    assert str(e) == "amb >= pop / 30000" and repr(e) == "<Expr amb >= pop / 30000>"
    with pytest.raises(healthplan.NotFoundError):
        e(amb=1)
    with pytest.raises(healthplan.ParseError) as err:
        healthplan.Expr("max(1, ")
    assert err.value.file == "<expr>" and err.value.column > 0
    with pytest.raises(healthplan.RangeError):
        healthplan.Expr("1 / x")(x=0)


def test_progress_formulas():
    p = healthplan.progress(2020, 7.82, 2022, 7.9, 2025, 8, direction="higher")
    assert p.cls == "significant"
    assert p.ratio == pytest.approx(1.1184415432240356, rel=1e-12)
    assert p.required_rate == pytest.approx(0.004561770765542983, rel=1e-12)
    u = healthplan.progress(2020, 7.82, 2022, 7.9, 2025, 8, direction="higher", method="unsd")
    assert u.ratio == pytest.approx(1.119650777404)
    lin = healthplan.progress(2020, 46.1, 2022, 45.2, 2025, 43.6, direction="lower", linear=True)
    assert (lin.cls, lin.ratio) == ("moderate", pytest.approx(0.9))
    assert healthplan.progress(2020, 46.1, 2022, 45.2, 2025, 43.6, direction="lower",
                               linear=True, moderate=0.95, significant=0.99).cls == "insufficient"
    with pytest.raises(healthplan.InvalidArgumentError):
        healthplan.progress(2020, 1, 2022, 2, 2025, 3, significant=0.1, moderate=0.5)
