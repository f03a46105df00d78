#!/usr/bin/python3
"""Check the cross-file rules of libhealthplan's built-in datasets (libhealthplan/data/*.json).

Usage: /usr/bin/python3 tests/data/check_builtin.py [DATA_DIR]

Loads the six built-in files together and checks: the format key; that every reference
resolves across files (target plan/indicator/region, plan region, observation region and
indicator, region parent, ratio parts, same_ratio indicator, identifiers in expr/when);
no duplicate keys (region code, indicator id, plan id, (plan, id) target, (region, indicator,
year) observation), also across files; years within 1949-2100; a non-empty source on every
target and observation; as_printed and a rule of a known kind with the fields its kind needs
on every target; aliases unique across indicators, also after the name normalisation used
for matching (NFKC, no spaces, no trailing unit in brackets). Prints counts per file; exits 1 on any
problem (listing each), 0 otherwise.
"""
import json
import os
import re
import sys
import unicodedata

FILES = ["regions.json", "indicators.json", "yiyang-13fyp.json", "yiyang-14fyp.json",
         "hengyang-2030.json", "reference.json"]
PARTS = ["regions", "indicators", "plans", "targets", "observations"]

LEVELS = {"country", "province", "prefecture", "county"}
DIRECTIONS = {"higher", "lower", "none"}
CATEGORIES = {"健康水平", "健康生活", "健康服务", "健康保障", "健康环境", "健康产业"}
UNITS = {"percent", "permille", "per_1000", "per_10k", "per_100k", "per_10k_vehicles", "years",
         "count", "persons", "m2_per_capita", "yuan_100m", "days", "grams", "hours", "mu", "ratio"}
NATURES = {"binding", "expected", "unspecified"}
STATUSES = {"final", "provisional", "estimated", "missing", "derived"}
VERDICTS = {"met", "not_met"}
OPS = {"better", "lt", "gt", "le", "ge"}
SCOPES = {"province", "country"}
EXPR_WORDS = {"and", "or", "not", "min", "max", "abs"}

# kind -> (required fields, optional fields)
RULE_FIELDS = {
    "le": ({"value"}, set()), "lt": ({"value"}, set()), "ge": ({"value"}, set()), "gt": ({"value"}, set()),
    "value": ({"value"}, set()),
    "about": ({"value", "tolerance"}, set()),
    "range": ({"low", "high"}, set()),
    "change_from": ({"value"}, {"ref_year"}),
    "change_by": ({"value"}, {"ref_year"}),
    "per_year": ({"value"}, {"compound"}),
    "improve": (set(), set()),
    "reference_target": ({"scope"}, set()),
    "reference_value": ({"scope"}, {"op"}),
    "same_ratio": ({"indicator"}, set()),
    "expr": ({"expr"}, {"when"}),
    "qualitative": ({"text"}, set()),
    "any": ({"rules"}, set()), "all": ({"rules"}, set()),
}

KEYS = {
    "regions": ({"code", "name_zh", "name_en", "level"}, {"parent"}),
    "indicators": ({"id", "name_zh", "name_en", "aliases", "unit", "direction", "category"},
                   {"ratio", "additive", "description"}),
    "plans": ({"id", "title", "region", "start", "end", "source"}, {"baseline_year"}),
    "targets": ({"plan", "id", "indicator", "year", "rule", "nature", "as_printed", "source"},
                {"region", "departments", "unit_as_printed", "note"}),
    "observations": ({"region", "indicator", "year", "source"},
                     {"value", "verdict", "as_printed", "status", "note"}),
}


class Checker:
    def __init__(self):
        self.problems = []

    def bad(self, where, msg):
        self.problems.append(f"{where}: {msg}")


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def no_dup_pairs(pairs):
    keys = [k for k, _ in pairs]
    dups = {k for k in keys if keys.count(k) > 1}
    if dups:
        raise ValueError(f"duplicate JSON keys {sorted(dups)}")
    return dict(pairs)


def normalise(name):
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return re.sub(r"\([^()]*\)$", "", s) or s


def check_year(c, where, y):
    if not isinstance(y, int) or isinstance(y, bool) or not 1949 <= y <= 2100:
        c.bad(where, f"year {y!r} is not an integer in 1949-2100")


def check_rule(c, where, rule, ind_ids, depth=0):
    if not isinstance(rule, dict):
        c.bad(where, f"rule is not an object: {rule!r}")
        return
    kind = rule.get("kind")
    if kind not in RULE_FIELDS:
        c.bad(where, f"unknown rule kind {kind!r}")
        return
    req, opt = RULE_FIELDS[kind]
    have = set(rule) - {"kind"}
    for f in sorted(req - have):
        c.bad(where, f"rule kind {kind!r} needs field {f!r}")
    for f in sorted(have - req - opt):
        c.bad(where, f"rule kind {kind!r} does not take field {f!r}")
    for f in ("value", "tolerance", "low", "high"):
        if f in rule and not is_num(rule[f]):
            c.bad(where, f"rule field {f!r} is not a number")
    if kind == "range" and is_num(rule.get("low")) and is_num(rule.get("high")) and rule["low"] > rule["high"]:
        c.bad(where, "range low > high")
    if "ref_year" in rule:
        check_year(c, where + " ref_year", rule["ref_year"])
    if "compound" in rule and not isinstance(rule["compound"], bool):
        c.bad(where, "compound is not a boolean")
    if "op" in rule and rule["op"] not in OPS:
        c.bad(where, f"unknown op {rule['op']!r}")
    if "scope" in rule and rule["scope"] not in SCOPES and not re.fullmatch(r"CN|\d{6}", str(rule["scope"])):
        c.bad(where, f"unknown scope {rule['scope']!r}")
    if kind == "same_ratio" and rule.get("indicator") not in ind_ids:
        c.bad(where, f"same_ratio indicator {rule.get('indicator')!r} is not in the catalogue")
    if kind == "qualitative" and not rule.get("text"):
        c.bad(where, "qualitative rule with empty text")
    for f in ("expr", "when"):
        if f in rule:
            text = rule[f]
            if not isinstance(text, str) or not text.strip():
                c.bad(where, f"empty {f}")
                continue
            if re.search(r"[^A-Za-z0-9_.\s+\-*/^()<>=!,]", text):
                c.bad(where, f"{f} {text!r} has characters outside the expression language")
            for ident in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
                if ident not in EXPR_WORDS and ident not in ind_ids:
                    c.bad(where, f"{f} uses unknown indicator {ident!r}")
    if kind in ("any", "all"):
        parts = rule.get("rules")
        if not isinstance(parts, list) or len(parts) < 2:
            c.bad(where, f"{kind} needs a list of at least two rules")
        else:
            for i, p in enumerate(parts):
                check_rule(c, f"{where} rules[{i}]", p, ind_ids, depth + 1)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "libhealthplan", "data")
    c = Checker()
    docs = {}
    for name in FILES:
        path = os.path.join(data, name)
        try:
            with open(path, "rb") as f:
                raw = f.read()
            if raw.startswith(b"\xef\xbb\xbf"):
                c.bad(name, "starts with a UTF-8 BOM")
            docs[name] = json.loads(raw.decode("utf-8"), object_pairs_hook=no_dup_pairs)
        except (OSError, ValueError) as e:
            c.bad(name, f"cannot load: {e}")
    if c.problems:
        return report(c, docs)

    recs = {p: [] for p in PARTS}  # (file, index, record)
    for name, doc in docs.items():
        if not isinstance(doc, dict) or doc.get("format") != "healthplan/1":
            c.bad(name, 'missing or wrong "format" (want "healthplan/1")')
            continue
        for k in doc:
            if k != "format" and k not in PARTS:
                c.bad(name, f"unknown top-level key {k!r}")
        for p in PARTS:
            if p in doc:
                if not isinstance(doc[p], list):
                    c.bad(name, f"{p} is not a list")
                    continue
                for i, r in enumerate(doc[p]):
                    recs[p].append((name, i, r))
    for name, _, _ in recs["regions"]:
        if name != "regions.json":
            c.bad(name, "regions belong in regions.json only")
    for name, _, _ in recs["indicators"]:
        if name != "indicators.json":
            c.bad(name, "indicators belong in indicators.json only")

    # Record shapes.
    for p, (req, opt) in KEYS.items():
        for name, i, r in recs[p]:
            where = f"{name} {p}[{i}]"
            if not isinstance(r, dict):
                c.bad(where, "not an object")
                continue
            for f in sorted(req - set(r)):
                c.bad(where, f"missing {f!r}")
            for f in sorted(set(r) - req - opt):
                c.bad(where, f"unknown field {f!r}")

    def unique(part, keyf, label):
        seen = {}
        for name, i, r in recs[part]:
            k = keyf(r)
            if k in seen:
                c.bad(f"{name} {part}[{i}]", f"duplicate {label} {k!r} (first in {seen[k]})")
            else:
                seen[k] = f"{name} {part}[{i}]"
        return seen

    regions = unique("regions", lambda r: r.get("code"), "region code")
    inds = unique("indicators", lambda r: r.get("id"), "indicator id")
    plans = unique("plans", lambda r: r.get("id"), "plan id")
    unique("targets", lambda r: (r.get("plan"), r.get("id")), "target (plan, id)")
    unique("observations", lambda r: (r.get("region"), r.get("indicator"), r.get("year")),
           "observation (region, indicator, year)")
    ind_ids = set(inds)
    plan_region = {r.get("id"): r.get("region") for _, _, r in recs["plans"]}

    for name, i, r in recs["regions"]:
        where = f"{name} region {r.get('code')}"
        if r.get("level") not in LEVELS:
            c.bad(where, f"unknown level {r.get('level')!r}")
        if "parent" in r and r["parent"] not in regions:
            c.bad(where, f"parent {r['parent']!r} is not a region")
        if r.get("level") != "country" and "parent" not in r:
            c.bad(where, "non-country region without parent")

    alias_of = {}
    names_zh = {r.get("name_zh"): r.get("id") for _, _, r in recs["indicators"]}
    for name, i, r in recs["indicators"]:
        where = f"{name} indicator {r.get('id')}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(r.get("id"))):
            c.bad(where, "id is not an ASCII snake_case slug")
        if r.get("unit") not in UNITS:
            c.bad(where, f"unit {r.get('unit')!r} is not in the documented vocabulary")
        if r.get("direction") not in DIRECTIONS:
            c.bad(where, f"unknown direction {r.get('direction')!r}")
        if r.get("category") not in CATEGORIES:
            c.bad(where, f"unknown category {r.get('category')!r}")
        if "additive" in r and r["additive"] is not True:
            c.bad(where, "additive must be true when present")
        ratio = r.get("ratio")
        if ratio is not None:
            for f in ("numerator", "denominator"):
                if ratio.get(f) not in ind_ids:
                    c.bad(where, f"ratio {f} {ratio.get(f)!r} is not in the catalogue")
            if not is_num(ratio.get("scale")) or ratio.get("scale") <= 0:
                c.bad(where, "ratio scale is not a positive number")
        if not isinstance(r.get("aliases"), list):
            c.bad(where, "aliases is not a list")
            continue
        for a in r["aliases"]:
            if not isinstance(a, str) or not a:
                c.bad(where, f"bad alias {a!r}")
            elif a in alias_of and alias_of[a] != r.get("id"):
                c.bad(where, f"alias {a!r} also belongs to {alias_of[a]}")
            elif a in alias_of:
                c.bad(where, f"alias {a!r} listed twice")
            elif a in names_zh and names_zh[a] != r.get("id"):
                c.bad(where, f"alias {a!r} is the name_zh of {names_zh[a]}")
            else:
                alias_of[a] = r.get("id")

    # Names are matched after NFKC, dropping spaces and a trailing unit in brackets (DESIGN §6):
    # two indicators must not meet after that normalisation either.
    norm_of = {}
    for name, i, r in recs["indicators"]:
        for a in [r.get("name_zh")] + [x for x in r.get("aliases") or [] if isinstance(x, str)]:
            if not isinstance(a, str):
                continue
            k = normalise(a)
            if k in norm_of and norm_of[k] != r.get("id"):
                c.bad(f"{name} indicator {r.get('id')}", f"name {a!r} normalises to {k!r} like a name of {norm_of[k]}")
            norm_of.setdefault(k, r.get("id"))

    for name, i, r in recs["plans"]:
        where = f"{name} plan {r.get('id')}"
        if r.get("region") not in regions:
            c.bad(where, f"region {r.get('region')!r} is not a region")
        for f in ("start", "end", "baseline_year"):
            if f in r or f != "baseline_year":
                check_year(c, f"{where} {f}", r.get(f))
        if isinstance(r.get("start"), int) and isinstance(r.get("end"), int) and r["start"] > r["end"]:
            c.bad(where, "start after end")
        if not str(r.get("source", "")).strip():
            c.bad(where, "empty source")

    for name, i, r in recs["targets"]:
        where = f"{name} target {r.get('plan')}/{r.get('id')}"
        if r.get("plan") not in plans:
            c.bad(where, f"plan {r.get('plan')!r} is not a plan")
        if r.get("indicator") not in ind_ids:
            c.bad(where, f"indicator {r.get('indicator')!r} is not in the catalogue")
        if "region" in r:
            if r["region"] not in regions:
                c.bad(where, f"region {r['region']!r} is not a region")
            elif r["region"] == plan_region.get(r.get("plan")):
                c.bad(where, "region given although it equals the plan's")
        check_year(c, where, r.get("year"))
        if r.get("nature") not in NATURES:
            c.bad(where, f"unknown nature {r.get('nature')!r}")
        if not str(r.get("source", "")).strip():
            c.bad(where, "empty source")
        if not str(r.get("as_printed", "")).strip():
            c.bad(where, "empty as_printed")
        check_rule(c, where, r.get("rule"), ind_ids)
        dep = r.get("departments")
        if dep is not None:
            if not isinstance(dep, dict) or not dep.get("lead") or not isinstance(dep.get("partners"), list) \
                    or set(dep) - {"lead", "partners"}:
                c.bad(where, "departments must be {lead, partners[]}")

    for name, i, r in recs["observations"]:
        where = f"{name} observation {r.get('region')}/{r.get('indicator')}/{r.get('year')}"
        if r.get("region") not in regions:
            c.bad(where, f"region {r.get('region')!r} is not a region")
        if r.get("indicator") not in ind_ids:
            c.bad(where, f"indicator {r.get('indicator')!r} is not in the catalogue")
        check_year(c, where, r.get("year"))
        if not str(r.get("source", "")).strip():
            c.bad(where, "empty source")
        has_v, has_verdict = "value" in r, "verdict" in r
        status = r.get("status", "final")
        if status not in STATUSES:
            c.bad(where, f"unknown status {status!r}")
        if has_v and has_verdict:
            c.bad(where, "both value and verdict")
        elif has_v and not is_num(r["value"]):
            c.bad(where, f"value {r['value']!r} is not a number")
        elif has_verdict:
            if r["verdict"] not in VERDICTS:
                c.bad(where, f"unknown verdict {r['verdict']!r}")
            if not r.get("as_printed"):
                c.bad(where, "verdict without as_printed")
        elif not has_v and status != "missing":
            c.bad(where, "neither value nor verdict (allowed only with status missing)")

    return report(c, docs)


def report(c, docs):
    for name in FILES:
        doc = docs.get(name)
        if isinstance(doc, dict):
            counts = ", ".join(f"{len(doc[p])} {p}" for p in PARTS if isinstance(doc.get(p), list))
            print(f"{name}: {counts}")
    if c.problems:
        for p in c.problems:
            print("error: " + p, file=sys.stderr)
        print(f"{len(c.problems)} problem(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
