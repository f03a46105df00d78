#!/usr/bin/env python3
"""Regenerate the fuzz seed corpora under tests/fuzz/corpus/ from real files and phrases.

    /usr/bin/python3 tests/fuzz/make_corpus.py

json: the built-in JSON files split into small records (a few at a time, with and without
      their format key), tests/data/*.json, and small self-contained datasets;
csv:  observations of the built-in data as SDMX-style CSV (a few rows at a time, with the
      optional columns, quoting, CRLF and a BOM), tests/data/*.csv and its rows;
rule: every phrase of tests/test_rule.c and every "as_printed" of the built-in targets, and
      the built-in targets' rule objects as JSON (hp_rule_from_json reads the same input);
expr: every string literal of tests/test_expr.c that looks like an expression and every
      "expr"/"when" of the built-in data.
Files are named by the SHA-1 of their content, as libFuzzer names corpus files.
"""
import glob
import hashlib
import json
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "libhealthplan", "data")


def builtin():
    out = {}
    for path in sorted(glob.glob(os.path.join(DATA, "*.json"))):
        with open(path, encoding="utf-8") as f:
            out[os.path.basename(path)] = json.load(f)
    return out


def write(target, items):
    d = os.path.join(HERE, "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    seen = set()
    for item in items:
        b = item.encode("utf-8") if isinstance(item, str) else item
        if not b or b in seen:
            continue
        seen.add(b)
        with open(os.path.join(d, hashlib.sha1(b).hexdigest()), "wb") as f:
            f.write(b)
    print(f"{target}: {len(seen)} seeds")


def dumps(obj, compact=False):
    if compact:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(obj, ensure_ascii=False, indent=1)


def json_seeds(files):
    items = []
    for name, doc in files.items():
        for part, records in doc.items():
            if not isinstance(records, list):
                continue
            step = 3
            for i in range(0, min(len(records), 60), step):
                chunk = records[i:i + step]
                items.append(dumps({"format": "healthplan/1", part: chunk}))
                if i % 9 == 0:
                    items.append(dumps({part: chunk[:1]}, compact=True))
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "*.json"))):
        with open(path, "rb") as f:
            items.append(f.read())
    with open(os.path.join(DATA, "regions.json"), "rb") as f:
        items.append(f.read())
    with open(os.path.join(DATA, "yiyang-13fyp.json"), "rb") as f:
        items.append(f.read())
    # self-contained: loads into an empty dataset
    mini = {
        "format": "healthplan/1",
        "regions": [{"code": "430000", "name_zh": "湖南省", "level": "province"},
                    {"code": "430900", "name_zh": "益阳市", "parent": "430000",
                     "level": "prefecture"}],
        "indicators": [{"id": "infant_mortality", "name_zh": "婴儿死亡率", "unit": "permille",
                        "direction": "lower", "aliases": ["婴儿死亡率（‰）"]},
                       {"id": "beds", "unit": "per_1000", "direction": "higher",
                        "ratio": {"numerator": "infant_mortality", "denominator": "beds",
                                  "scale": 1000}}],
        "plans": [{"id": "p", "region": "430900", "start": 2016, "end": 2020,
                   "baseline_year": 2015}],
        "targets": [{"plan": "p", "id": "3", "indicator": "infant_mortality", "year": 2020,
                     "rule": {"kind": "le", "value": 6.5}, "nature": "expected",
                     "as_printed": "≤6.5", "departments": {"lead": "卫健委", "partners": ["x"]}},
                    {"plan": "p", "id": "4", "indicator": "beds", "year": 2020,
                     "rule": {"kind": "any", "rules": [{"kind": "ge", "value": 6},
                                                       {"kind": "change_from", "value": -0.3,
                                                        "ref_year": 2015}]}},
                    {"plan": "p", "id": "5", "indicator": "beds", "year": 2020,
                     "rule": {"kind": "expr", "expr": "beds >= infant_mortality / 3",
                              "when": "beds > 1"}}],
        "observations": [{"region": "430900", "indicator": "infant_mortality", "year": 2015,
                          "value": 5.1, "status": "estimated"},
                         {"region": "430900", "indicator": "infant_mortality", "year": 2020,
                          "value": 2.82, "source": "row 3"},
                         {"region": "430900", "indicator": "beds", "year": 2020,
                          "verdict": "met", "as_printed": "达到"},
                         {"region": "430000", "indicator": "beds", "year": 2019,
                          "status": "missing"}],
    }
    items.append(dumps(mini))
    items.append(dumps(mini, compact=True))
    return items


def csv_quote(s):
    s = str(s)
    if any(c in s for c in ',"\r\n') or s != s.strip():
        return '"' + s.replace('"', '""') + '"'
    return s


def csv_seeds(files):
    obs = []
    for doc in files.values():
        obs.extend(doc.get("observations", []))
    status = {"final": "A", "provisional": "P", "estimated": "E", "missing": "M", "derived": "derived"}
    rows = []
    for o in obs:
        rows.append([o["region"], o["indicator"], o["year"],
                     "" if "value" not in o else repr(o["value"]),
                     status.get(o.get("status", "final"), "A"), o.get("verdict", ""),
                     o.get("source", ""), o.get("as_printed", "")])
    head = ["REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "VERDICT",
            "SOURCE", "AS_PRINTED"]
    items = []
    for i in range(0, len(rows), 4):
        chunk = rows[i:i + 4]
        full = "\n".join(",".join(csv_quote(c) for c in r) for r in [head] + chunk) + "\n"
        items.append(full)
        if i % 12 == 0:
            items.append(full.replace("\n", "\r\n"))
            items.append("\ufeff" + full)
        basic = "\n".join(",".join(csv_quote(c) for c in r[:4]) for r in [head[:4]] + chunk
                          if r[3] != "")
        items.append(basic)
    items.append("OBS_VALUE,TIME_PERIOD,INDICATOR,REF_AREA,UNIT_MEASURE\n"
                 "2.82,2020,infant_mortality,430900,‰\n")
    items.append("DATAFLOW,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
                 "HP,A,430900,infant_mortality,2019,\"3.1\"\n")
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "*.csv"))):
        with open(path, "rb") as f:
            text = f.read()
        items.append(text)
        lines = text.split(b"\n")
        for i in range(1, len(lines), 5):
            items.append(b"\n".join([lines[0]] + lines[i:i + 5]) + b"\n")
    return items


def c_strings(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', src):
        s = m.group(1)
        try:
            s = bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        except (UnicodeDecodeError, UnicodeEncodeError):
            continue
        out.append(s)
    return out


def rule_seeds(files):
    items = []
    for s in c_strings(os.path.join(ROOT, "tests", "test_rule.c")):
        if 0 < len(s) <= 120 and "%" not in s[:1] and not s.endswith(".txt") \
                and not s.startswith("0") and "table row" not in s:
            items.append(s)
    for doc in files.values():
        for t in doc.get("targets", []):
            if t.get("as_printed"):
                items.append(t["as_printed"])
            items.append(dumps(t["rule"], compact=True))
    return items


EXPR_CHARS = re.compile(r"^[A-Za-z0-9_ .+\-*/^()<>=!&|,×÷≤≥≠\t\n]+$")


def expr_seeds(files):
    items = []
    for s in c_strings(os.path.join(ROOT, "tests", "test_expr.c")):
        if 0 < len(s) <= 200 and (EXPR_CHARS.match(s) or any(c in s for c in "×÷≤≥≠")):
            if "%" in s or s.endswith(".c"):
                continue
            items.append(s)

    def walk(rule):
        for k in ("expr", "when"):
            if rule.get(k):
                items.append(rule[k])
        for r in rule.get("rules", []):
            walk(r)

    for doc in files.values():
        for t in doc.get("targets", []):
            walk(t["rule"])
    return items


def main():
    files = builtin()
    write("json", json_seeds(files))
    write("csv", csv_seeds(files))
    write("rule", rule_seeds(files))
    write("expr", expr_seeds(files))


if __name__ == "__main__":
    main()
