"""Errors: every C return code is an exception class with the error record."""
import pickle

import pytest

import healthplan
from healthplan import _healthplan as _hp

CODES = {
    "HP_ERROR": healthplan.Error,
    "HP_EINVAL": healthplan.InvalidArgumentError,
    "HP_ENOMEM": healthplan.OutOfMemoryError,
    "HP_ENOTFOUND": healthplan.NotFoundError,
    "HP_EPARSE": healthplan.ParseError,
    "HP_EIO": healthplan.FileError,
    "HP_EEXISTS": healthplan.ExistsError,
    "HP_EVALIDATE": healthplan.ValidationError,
    "HP_EUNIT": healthplan.UnitError,
    "HP_ERANGE": healthplan.RangeError,
}


def test_every_code_has_a_class():
    assert set(healthplan.ERRORS) == {getattr(_hp, n) for n in CODES}
    for name, cls in CODES.items():
        code = getattr(_hp, name)
        assert healthplan.ERRORS[code] is cls
        assert issubclass(cls, healthplan.Error)
        e = cls("m")
        assert e.code == code and e.code_name == name
    assert issubclass(healthplan.NotFoundError, LookupError)
    assert issubclass(healthplan.FileError, OSError)
    assert issubclass(healthplan.OutOfMemoryError, MemoryError)
    assert issubclass(healthplan.ParseError, ValueError)


def test_message_has_the_location():
    e = healthplan.ParseError("bad", file="f.json", line=3, column=7, field="regions[0]")
    assert str(e) == "f.json:3:7: bad" and e.location == "f.json:3:7"
    assert (e.message, e.field) == ("bad", "regions[0]")
    assert str(healthplan.Error("plain")) == "plain"
    assert str(healthplan.FileError("x", file="a.csv")) == "a.csv: x"
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is healthplan.ParseError and str(again) == str(e)


def test_low_level_calls_raise_too():
    ds = _hp.hp_dataset_new()
    try:
        with pytest.raises(healthplan.NotFoundError) as e:
            _hp.hp_dataset_find_region(ds, "430900")
        assert e.value.code == _hp.HP_ENOTFOUND
        with pytest.raises(healthplan.ParseError) as e:
            _hp.hp_dataset_load_json_buffer(ds, '{"format": "healthplan/1",\n  x', "mem.json")
        assert (e.value.file, e.value.line) == ("mem.json", 2)
        assert _hp.hp_py_last_error()[0] == _hp.HP_EPARSE
        with pytest.raises(healthplan.FileError):
            _hp.hp_dataset_load(ds, "/nonexistent/x.json")
    finally:
        _hp.hp_dataset_free(ds)


def test_low_level_api():
    assert _hp.hp_version() == healthplan.__version__
    assert _hp.hp_strerror(_hp.HP_EPARSE) == "HP_EPARSE"
    ds = _hp.hp_dataset_builtin()
    try:
        p = _hp.hp_dataset_find_plan(ds, "yiyang-13fyp")
        assert _hp.hp_plan_target_count(p) == 10
        res = _hp.hp_py_evaluate(ds, "yiyang-13fyp", None, None, 0, -1, 0, 0,
                                 float("nan"), 0, *[float("nan")] * 7)
        try:
            assert _hp.hp_results_count(res) == 10
            r = _hp.hp_results_at(res, 0)
            assert _hp.hp_result_status_get(r) == _hp.HP_STATUS_ACHIEVED
            csv = _hp.hp_results_write(res, _hp.HP_RESULTS_CSV)
            assert csv.startswith("plan,target,")
        finally:
            _hp.hp_results_free(res)
    finally:
        _hp.hp_dataset_free(ds)
    # the library's records cannot be created or freed from Python
    assert not hasattr(_hp, "new_hp_result") and not hasattr(_hp, "delete_hp_error")
