"""docs/healthplan.schema.json against the built-in data, hand-made records and the loader.

Run from the repository root:

    /usr/bin/python3 -m pytest tests/schema -q

Needs the Debian packages python3-pytest and python3-jsonschema (draft 2020-12 support:
jsonschema >= 4). The test_loader_* tests also run each hand-made document through
`healthplan validate --strict --with-builtin` and check that the loader agrees with the schema,
and test_format_doc_file_examples_load loads the examples of docs/format.md; they use
$HEALTHPLAN_CLI, else $HP_BUILD_DIR/healthplan or build/healthplan, and are skipped when no
built command is found.
"""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

try:
    from jsonschema import Draft202012Validator
except ImportError as e:  # pragma: no cover
    raise ImportError("these tests need jsonschema >= 4: apt-get install python3-jsonschema") from e

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "docs" / "healthplan.schema.json"
FORMAT_DOC = ROOT / "docs" / "format.md"
DATA_DIR = ROOT / "libhealthplan" / "data"
DATA_FILES = sorted(DATA_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors_of(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def describe(errors):
    return "\n".join(f"  {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                     for e in errors[:20])


# --------------------------------------------------------------------------- built-in data

def test_builtin_data_exists():
    names = {p.name for p in DATA_FILES}
    assert {"regions.json", "indicators.json", "yiyang-13fyp.json", "yiyang-14fyp.json",
            "hengyang-2030.json", "reference.json"} <= names


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_builtin_file_matches_schema(validator, path):
    document = json.loads(path.read_text(encoding="utf-8"))
    errors = list(errors_of(validator, document))
    assert not errors, f"{path.name} does not match the schema:\n{describe(errors)}"


def test_builtin_data_strictly_valid(validator):
    bad = {p.name: len(errors_of(validator, json.loads(p.read_text(encoding="utf-8"))))
           for p in DATA_FILES}
    assert not any(bad.values()), bad


# --------------------------------------------------------------------------- docs examples

def dataset_examples():
    text = FORMAT_DOC.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```json\n(.*?)```", text, flags=re.S):
        try:
            value = json.loads(block)
        except ValueError:
            continue
        if isinstance(value, dict) and "format" in value:
            found.append(value)
    return found


def test_format_doc_examples_match_schema(validator):
    examples = dataset_examples()
    assert examples, "docs/format.md has no complete dataset example (a ```json block with \"format\")"
    for document in examples:
        errors = errors_of(validator, document)
        assert not errors, f"an example of docs/format.md does not match:\n{describe(errors)}"


def record_examples():
    """Single records shown in ```json blocks of docs/format.md (several may share a block)."""
    text = FORMAT_DOC.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    found = []
    for block in re.findall(r"```json\n(.*?)```", text, flags=re.S):
        pos, block = 0, block.strip()
        while pos < len(block):
            try:
                value, pos = decoder.raw_decode(block, pos)
            except ValueError:
                break
            while pos < len(block) and block[pos].isspace():
                pos += 1
            if isinstance(value, dict) and "format" not in value:
                found.append(value)
    return found


def record_part(record):
    if "code" in record:
        return "regions"
    if "rule" in record:
        return "targets"
    if "region" in record and "indicator" in record:
        return "observations"
    if "region" in record:
        return "plans"
    return "indicators"


def test_format_doc_record_examples_match_schema(validator):
    records = record_examples()
    parts = {record_part(r) for r in records}
    assert parts == {"regions", "indicators", "plans", "targets", "observations"}, parts
    for record in records:
        document = doc(**{record_part(record): [record]})
        errors = errors_of(validator, document)
        assert not errors, f"{record}:\n{describe(errors)}"


# --------------------------------------------------------------------------- hand-made records
#
# Every document below is complete: loaded together with the built-in datasets it refers only
# to records that exist there (plan yiyang-14fyp, region 430900, indicators of the catalogue),
# so that the loader's verdict depends on the record alone.

def doc(**parts):
    d = {"format": "healthplan/1"}
    d.update(parts)
    return d


def target(rule=None, **fields):
    t = {"plan": "yiyang-14fyp", "id": "schema-test", "indicator": "infant_mortality",
         "year": 2025, "rule": rule if rule is not None else {"kind": "le", "value": 5},
         "nature": "expected", "as_printed": "≤5", "source": "tests/schema"}
    t.update(fields)
    return doc(targets=[{k: v for k, v in t.items() if v is not DROP}])


def observation(**fields):
    o = {"region": "430900", "indicator": "infant_mortality", "year": 2031, "value": 2.5,
         "source": "tests/schema"}
    o.update(fields)
    return doc(observations=[{k: v for k, v in o.items() if v is not DROP}])


DROP = object()  # a field value meaning "leave the key out"

VALID = {
    # one target of every rule kind, as the built-in data writes them
    "le": target({"kind": "le", "value": 18}),
    "lt": target({"kind": "lt", "value": 30}),
    "ge": target({"kind": "ge", "value": 2.1}),
    "gt": target({"kind": "gt", "value": 80}),
    "value": target({"kind": "value", "value": 8}),
    "about": target({"kind": "about", "value": 77, "tolerance": 0.02}),
    "about without tolerance": target({"kind": "about", "value": 77}),
    "range": target({"kind": "range", "low": 1, "high": 2}),
    "change_from": target({"kind": "change_from", "value": -0.3, "ref_year": 2015}),
    "change_from without ref_year": target({"kind": "change_from", "value": -0.3}),
    "change_by": target({"kind": "change_by", "value": 3.1, "ref_year": 2015}),
    "per_year": target({"kind": "per_year", "value": -0.5}),
    "per_year compound": target({"kind": "per_year", "value": -0.05, "compound": True}),
    "improve": target({"kind": "improve"}),
    "reference_target": target({"kind": "reference_target", "scope": "province"}),
    "reference_value": target({"kind": "reference_value", "scope": "province", "op": "better"}),
    "reference_value by region code": target({"kind": "reference_value", "scope": "430000",
                                              "op": "le"}),
    "reference_target of the city": target({"kind": "reference_target", "scope": "prefecture"},
                                           region="430902"),
    "same_ratio": target({"kind": "same_ratio", "indicator": "life_expectancy"},
                         indicator="healthy_life_expectancy"),
    "expr with when": target({"kind": "expr",
                              "expr": "psychiatric_hospitals + county_hospitals_with_psychiatric_ward >= 1",
                              "when": "population > 300000"}, indicator="psychiatric_hospitals"),
    "qualitative": target({"kind": "qualitative", "text": "显著下降"}),
    "qualitative without text": target({"kind": "qualitative"}),
    "any": target({"kind": "any", "rules": [{"kind": "per_year", "value": 0.02, "compound": True},
                                            {"kind": "reference_value", "scope": "province",
                                             "op": "ge"}]}),
    "all nesting any": target({"kind": "all", "rules": [
        {"kind": "le", "value": 6}, {"kind": "any", "rules": [{"kind": "improve"}]}]}),
    # optional fields given as null are the same as absent
    "target with nulls": target(region=None, nature=None, note=None, departments=None,
                                unit_as_printed=None),
    "target with departments": target(departments={"lead": "市卫生计生委",
                                                   "partners": ["市发改委", "市财政局"]}),
    "nature in Chinese": target(nature="约束性"),
    "year written 2025.0": target(year=2025.0),
    "target id as printed": target(id="11a-2030"),
    "observation value": observation(),
    "observation estimated": observation(status="estimated"),
    "observation verdict": observation(value=DROP, verdict="met", as_printed="优于目标值"),
    "observation verdict, value null": observation(value=None, verdict="not_met"),
    "observation known gap": observation(value=DROP, status="missing"),
    "observation at the year limits": doc(observations=[
        {"region": "430900", "indicator": "infant_mortality", "year": 1949, "value": 200},
        {"region": "430900", "indicator": "infant_mortality", "year": 2100, "value": 1}]),
    "region id characters": doc(regions=[{"code": "430902-x.y_Z", "name_zh": "测试",
                                          "parent": "430900", "level": "county"}]),
    "region level unknown": doc(regions=[{"code": "schema-test", "level": "unknown"}]),
    "indicator with ratio, default scale": doc(indicators=[
        {"id": "schema_test.ratio_2", "name_zh": "测试指标", "unit": "ratio", "direction": "none",
         "ratio": {"numerator": "beds", "denominator": "population"}, "additive": False,
         "aliases": []}]),
    "plan": doc(plans=[{"id": "schema-test.plan_1", "title": "测试", "region": "430900",
                        "start": 2021, "end": 2025, "baseline_year": 2020, "source": None}]),
    "format only": doc(),
}

INVALID = {
    # a wrong kind, a missing value, a year out of range, a malformed id
    "wrong kind": target({"kind": "lte", "value": 5}),
    "le without value": target({"kind": "le"}),
    "observation year 1900": observation(year=1900),
    "indicator id with a dash": doc(indicators=[{"id": "schema-test", "name_zh": "测试"}]),
    # ids
    "region code with a space": doc(regions=[{"code": "43 0900"}]),
    "region code in Chinese": doc(regions=[{"code": "益阳"}]),
    "region code with a trailing newline": doc(regions=[{"code": "schema-test\n"}]),
    "plan id with a space": doc(plans=[{"id": "yiyang 14fyp", "region": "430900"}]),
    "empty target id": target(id=""),
    "target without plan": target(plan=DROP),
    # years
    "target year 1900": target(year=1900),
    "target year 2101": target(year=2101),
    "target year 2025.5": target(year=2025.5),
    "target year as text": target(year="2025"),
    "ref_year 1900": target({"kind": "change_from", "value": -0.3, "ref_year": 1900}),
    "plan start 1948": doc(plans=[{"id": "schema-test", "region": "430900", "start": 1948}]),
    # rules
    "rule without kind": target({"value": 5}),
    "field the kind does not use": target({"kind": "le", "value": 5, "tolerance": 0.1}),
    "unknown rule field": target({"kind": "le", "valeu": 5}),
    "null rule value": target({"kind": "le", "value": None}),
    "text rule value": target({"kind": "le", "value": "5"}),
    "negative tolerance": target({"kind": "about", "value": 77, "tolerance": -0.1}),
    "range without high": target({"kind": "range", "low": 1}),
    "compound as text": target({"kind": "per_year", "value": -0.5, "compound": "yes"}),
    "empty rules": target({"kind": "all", "rules": []}),
    "bad part": target({"kind": "any", "rules": [{"kind": "le", "value": 5}, {"kind": "ge"}]}),
    "same_ratio without indicator": target({"kind": "same_ratio"},
                                           indicator="healthy_life_expectancy"),
    "scope longer than 15 bytes": target({"kind": "reference_target",
                                          "scope": "a-very-long-scope"}),
    "unknown op": target({"kind": "reference_value", "scope": "province", "op": "better_than"}),
    "empty qualitative text": target({"kind": "qualitative", "text": ""}),
    "expr without expr": target({"kind": "expr", "when": "population > 300000"}),
    "rule not an object": target("≤5"),
    "target without rule": doc(targets=[{"plan": "yiyang-14fyp", "id": "schema-test",
                                         "indicator": "infant_mortality", "year": 2025}]),
    # enums
    "nature not known": target(nature="required"),
    "region level city": doc(regions=[{"code": "schema-test", "level": "city"}]),
    "direction up": doc(indicators=[{"id": "schema_test", "direction": "up"}]),
    "verdict yes": observation(value=DROP, verdict="yes"),
    "status X": observation(status="X"),
    # observation shape
    "value and verdict": observation(verdict="met"),
    "neither value nor verdict": observation(value=DROP),
    "missing with a value": observation(status="missing"),
    "value as text": observation(value="2.5"),
    # other record shapes
    "ratio scale 0": doc(indicators=[{"id": "schema_test", "ratio": {
        "numerator": "beds", "denominator": "population", "scale": 0}}]),
    "ratio without denominator": doc(indicators=[{"id": "schema_test",
                                                  "ratio": {"numerator": "beds"}}]),
    "alias not a string": doc(indicators=[{"id": "schema_test", "aliases": ["测试", 3]}]),
    "departments leader": target(departments={"leader": "市卫生计生委"}),
    "region without code": doc(regions=[{"name_zh": "测试"}]),
    "plan without region": doc(plans=[{"id": "schema-test"}]),
    "record not an object": doc(regions=["430900"]),
    # what the loader only warns about (an error with --strict)
    "unknown key in a target": target(comment="x"),
    "unknown key in ratio": doc(indicators=[{"id": "schema_test", "ratio": {
        "numerator": "beds", "denominator": "population", "scale": 1000, "unit": "x"}}]),
    "unknown top-level key": doc(region=[]),
    "no format": {"regions": [{"code": "schema-test"}]},
    # top level
    "other format": {"format": "healthplan/2"},
    "regions null": doc(regions=None),
    "regions an object": doc(regions={"code": "schema-test"}),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_record_accepted(validator, name):
    errors = errors_of(validator, VALID[name])
    assert not errors, f"{name}:\n{describe(errors)}"


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_record_rejected(validator, name):
    assert errors_of(validator, INVALID[name]), f"the schema accepts: {name}"


def test_rejections_name_the_field(validator):
    """The errors point at the bad field, not just at the record."""
    cases = {
        "wrong kind": ["targets", 0, "rule", "kind"],
        "observation year 1900": ["observations", 0, "year"],
        "indicator id with a dash": ["indicators", 0, "id"],
    }
    for name, path in cases.items():
        paths = [list(e.absolute_path) for e in errors_of(validator, INVALID[name])]
        assert path in paths, (name, paths)
    errors = errors_of(validator, INVALID["le without value"])
    assert any(list(e.absolute_path) == ["targets", 0, "rule"] and "'value' is a required"
               in e.message for e in errors), describe(errors)


def test_every_rule_kind_has_a_valid_example():
    kinds = set()

    def walk(rule):
        kinds.add(rule["kind"])
        for part in rule.get("rules", []):
            walk(part)

    for document in VALID.values():
        for t in document.get("targets", []):
            walk(t["rule"])
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert kinds == set(schema["$defs"]["rule"]["properties"]["kind"]["enum"])


# --------------------------------------------------------------------------- the loader agrees

def find_cli():
    candidates = [os.environ.get("HEALTHPLAN_CLI")]
    build = os.environ.get("HP_BUILD_DIR", "build")
    candidates.append(str((ROOT / build / "healthplan") if not os.path.isabs(build)
                          else Path(build) / "healthplan"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


CLI = find_cli()
needs_cli = pytest.mark.skipif(CLI is None, reason="no built healthplan command (set HEALTHPLAN_CLI)")


def loader_accepts(document, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([CLI, "validate", "--strict", "--with-builtin", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode in (0, 1), run.stderr
    return run.returncode == 0, run.stderr.strip()


@needs_cli
@pytest.mark.parametrize("name", sorted(VALID))
def test_loader_accepts_what_the_schema_accepts(name, tmp_path):
    ok, message = loader_accepts(VALID[name], tmp_path)
    assert ok, f"{name}: {message}"


@needs_cli
@pytest.mark.parametrize("name", sorted(INVALID))
def test_loader_rejects_what_the_schema_rejects(name, tmp_path):
    ok, message = loader_accepts(INVALID[name], tmp_path)
    assert not ok, f"the loader accepts: {name}"
    assert re.match(r"^\S+:\d+:\d+: error: ", message), message


def doc_blocks(language):
    return re.findall(r"```" + language + r"\n(.*?)```", FORMAT_DOC.read_text(encoding="utf-8"),
                      flags=re.S)


@needs_cli
def test_format_doc_file_examples_load(tmp_path):
    """The complete examples of docs/format.md load as the page says."""
    text = FORMAT_DOC.read_text(encoding="utf-8")
    (tmp_path / "example.json").write_text(
        json.dumps(dataset_examples()[0], ensure_ascii=False), encoding="utf-8")
    csvs = doc_blocks("csv")
    obs = [c for c in csvs if c.startswith("REF_AREA,")]
    targets = [c for c in csvs if c.startswith("plan,")]
    assert obs and targets
    (tmp_path / "observations.csv").write_text(obs[0], encoding="utf-8")
    (tmp_path / "targets.csv").write_text(targets[0], encoding="utf-8")
    runs = [(["example.json"], True), (["example.json", "observations.csv"], True),
            (["--with-builtin", "example.json"], False), (["--with-builtin", "targets.csv"], False)]
    for args, exact in runs:
        run = subprocess.run([CLI, "validate", "--strict", *args], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, (args, run.stderr)
        if exact:
            assert run.stdout.strip() in text, (args, run.stdout)
