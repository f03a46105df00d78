"""Fixtures of the healthplan Python tests (run by ctest with PYTHONPATH at the build tree)."""
import json
import os
from pathlib import Path

import pytest

import healthplan

ROOT = Path(os.environ.get("HP_SOURCE_DIR", Path(__file__).resolve().parents[3]))
DATA = Path(os.environ.get("HP_TEST_DATA", ROOT / "tests" / "data"))


@pytest.fixture(scope="session")
def data_dir():
    return DATA


@pytest.fixture(scope="session")
def builtin():
    """The built-in dataset, shared (tests must not change it)."""
    ds = healthplan.Dataset.builtin()
    yield ds
    ds.close()


@pytest.fixture
def eval_ds():
    """tests/data/eval.json: the fixture of tests/test_evaluate.c, hand-computed."""
    with healthplan.load(DATA / "eval.json") as ds:
        yield ds


@pytest.fixture(scope="session")
def eval_doc():
    with open(DATA / "eval.json", encoding="utf-8") as f:
        return json.load(f)


def by_id(results):
    return {r.target: r for r in results}
