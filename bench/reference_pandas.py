#!/usr/bin/python3
"""A reference evaluation in pandas/numpy: the rules of docs/rules.md, docs/methods.md and
libhealthplan/src/evaluate.c, written the way an analyst would write them (vectorised, no
per-target Python loop), used two ways:

  reference_pandas.py evaluate DIR [--out FILE]
        evaluate DIR/dataset.json + DIR/observations.csv (bench/gen.c) and write the results
        as CSV; prints the time of each phase (JSON load, CSV load, evaluation, CSV write)
  reference_pandas.py check DIR HEALTHPLAN
        run `HEALTHPLAN evaluate --format csv` on the same files and compare every target's
        status, class and numbers (1e-9 relative); exit 1 on any difference
  reference_pandas.py jsonload FILE [RUNS]
        the time of Python's json.load on FILE (the JSON-load baseline of docs/performance.md)

Scope (what the generator produces, with the library's defaults: method opensdg, baseline
policy "next", as-of = each target's own latest observed year, tolerance 1e-9):
  implemented: le lt ge gt value about range change_from (with and without ref_year)
               per_year (linear and compound) improve reference_target (province, prefecture,
               country or a code; nested references) reference_value (all ops) same_ratio
               qualitative any all, and expr in the form the generator writes
               ("NAME OP NUMBER", optionally with "when": "NAME OP NUMBER")
  not implemented, excluded explicitly (counted and listed, never silently skipped):
               observation verdicts (a VERDICT column), change_by, expr of any other form,
               the eurostat and unsd methods, the exact/nearest baseline policies, as-of years.
"""
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pandas as pd

TOL = 1e-9          # every comparison of a value with its target (DESIGN §5)
PTOL = 1e-9         # thresholds (progress.c)
ABOUT_TOL = 0.02    # HP_ABOUT_TOLERANCE
ZERO_SUB = 0.001    # Open SDG's substitute for a zero in a compound rate
SIGNIFICANT, MODERATE = 0.95, 0.6
TREND_SIG, TREND_MOD = 0.015, 0.005
YEAR0 = 1949
MAX_REF_DEPTH = 4

# rule kinds, conditions, outcomes
KINDS = ["le", "lt", "ge", "gt", "value", "about", "range", "change_from", "change_by",
         "per_year", "improve", "reference_target", "reference_value", "same_ratio", "expr",
         "qualitative", "any", "all"]
K = {k: i for i, k in enumerate(KINDS)}
C_NONE, C_LE, C_LT, C_GE, C_GT, C_BAND, C_RANGE, C_IMPROVE, C_TRUE, C_FALSE = range(10)
R_OK, R_NO_DATA, R_NA = 0, 1, 2
LEVELS = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
STATUS = ["achieved", "not_achieved", "on_track", "off_track", "no_data", "not_assessable"]
CLASSES = ["", "achieved", "significant", "moderate", "insufficient", "away", "not_computable"]
CL_NONE, CL_ACH, CL_SIG, CL_MOD, CL_INS, CL_AWAY, CL_NC = range(7)
ST_ACH, ST_NOT, ST_ON, ST_OFF, ST_NODATA, ST_NA = range(6)
EXPR_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*([0-9.eE+-]+)\s*$")


# ------------------------------------------------------------------ loading

def load_dataset(path):
    with open(path, "rb") as f:
        doc = json.load(f)
    regions = pd.DataFrame(doc.get("regions", []))
    indicators = pd.DataFrame(doc.get("indicators", []))
    plans = pd.DataFrame(doc.get("plans", []))
    targets = pd.DataFrame(doc.get("targets", []))
    return regions, indicators, plans, targets


def load_observations(path, rcode, iid):
    obs = pd.read_csv(path, dtype={"REF_AREA": str, "INDICATOR": str, "TIME_PERIOD": np.int64,
                                   "OBS_VALUE": np.float64, "OBS_STATUS": str},
                      keep_default_na=False, na_values={"OBS_VALUE": [""]})
    if "VERDICT" in obs.columns and (obs["VERDICT"].astype(str).str.strip() != "").any():
        raise SystemExit("reference: observation verdicts (a VERDICT column) are not implemented")
    region = obs["REF_AREA"].str.strip().map(rcode)
    ind = obs["INDICATOR"].str.strip().map(iid)
    if region.isna().any() or ind.isna().any():
        raise SystemExit("reference: unknown region or indicator in the observations")
    status = obs["OBS_STATUS"].str.strip().str.upper() if "OBS_STATUS" in obs.columns else \
        pd.Series("A", index=obs.index)
    return pd.DataFrame({"region": region.to_numpy(np.int64), "ind": ind.to_numpy(np.int64),
                         "year": obs["TIME_PERIOD"].to_numpy(np.int64),
                         "value": obs["OBS_VALUE"].to_numpy(np.float64),
                         "missing": (status == "M").to_numpy()})


# ------------------------------------------------------------------ lookups

class Store:
    """Observations sorted by (series, year), searched with np.searchsorted on one int64."""

    def __init__(self, obs, ni):
        self.ni = ni
        key = obs["region"].to_numpy() * ni + obs["ind"].to_numpy()
        comb = key * 256 + (obs["year"].to_numpy() - YEAR0)
        order = np.argsort(comb, kind="stable")
        comb, year = comb[order], obs["year"].to_numpy()[order]
        value, missing = obs["value"].to_numpy()[order], obs["missing"].to_numpy()[order]
        num = ~np.isnan(value)
        self.num_comb, self.num_year, self.num_value = comb[num], year[num], value[num]
        nm = ~missing   # values and verdicts (none here): "gaps do not count"
        self.nm_comb, self.nm_value = comb[nm], value[nm]
        keys, last = key[order][nm], year[nm]
        self.asof = pd.Series(last).groupby(keys).max()

    def _q(self, key, year):
        return key.astype(np.int64) * 256 + (np.asarray(year, np.int64) - YEAR0)

    def latest(self, key, year):
        """Latest number at or before year: (found, year, value)."""
        q = self._q(key, year)
        pos = np.searchsorted(self.num_comb, q, side="right") - 1
        posc = np.clip(pos, 0, max(len(self.num_comb) - 1, 0))
        found = (pos >= 0) & (len(self.num_comb) > 0)
        found &= (self.num_comb[posc] // 256) == key if len(self.num_comb) else False
        return found, np.where(found, self.num_year[posc], 0), np.where(found, self.num_value[posc], np.nan)

    def first_from(self, key, year):
        """First number at or after year (baseline policy "next"): (found, year, value)."""
        q = self._q(key, year)
        pos = np.searchsorted(self.num_comb, q, side="left")
        posc = np.clip(pos, 0, max(len(self.num_comb) - 1, 0))
        found = (pos < len(self.num_comb))
        found &= (self.num_comb[posc] // 256) == key if len(self.num_comb) else False
        return found, np.where(found, self.num_year[posc], 0), np.where(found, self.num_value[posc], np.nan)

    def exact(self, key, year):
        """The observation of exactly year, gaps not counting: (found, value)."""
        q = self._q(key, year)
        pos = np.searchsorted(self.nm_comb, q, side="left")
        posc = np.clip(pos, 0, max(len(self.nm_comb) - 1, 0))
        found = (pos < len(self.nm_comb))
        found &= self.nm_comb[posc] == q if len(self.nm_comb) else False
        return found, np.where(found, self.nm_value[posc], np.nan)


def fill_rules(df):
    """Every rule field as a column, with the value an absent field has in C."""
    for col, default in (("value", np.nan), ("tolerance", np.nan), ("low", np.nan),
                         ("high", np.nan), ("ref_year", 0), ("compound", False), ("op", "better"),
                         ("scope", ""), ("indicator", ""), ("expr", None), ("when", None)):
        if col not in df:
            df[col] = default
        elif default is not None and not (isinstance(default, float) and np.isnan(default)):
            df[col] = df[col].fillna(default)
    df["kind_i"] = df["kind"].map(K).fillna(-1).astype(np.int64)
    return df


def le_tol(a, b):
    with np.errstate(invalid="ignore"):
        return a - b <= TOL * np.maximum(np.abs(a), np.abs(b))


def lt_tol(a, b):
    with np.errstate(invalid="ignore"):
        return b - a > TOL * np.maximum(np.abs(a), np.abs(b))


# ------------------------------------------------------------------ the model

class Model:
    def __init__(self, regions, indicators, plans, targets, obs_path):
        self.rcode = {c: i for i, c in enumerate(regions["code"])}
        self.iid = {c: i for i, c in enumerate(indicators["id"])}
        nr, self.ni = len(regions), len(indicators)
        parent = regions["parent"].map(self.rcode) if "parent" in regions else pd.Series(np.nan, index=regions.index)
        self.parent = parent.fillna(-1).to_numpy(np.int64)
        self.level = regions["level"].map(LEVELS).fillna(-1).to_numpy(np.int64)
        # ancestors at each level (the region itself included), -1 for none
        anc = np.full((4, nr), -1, np.int64)
        cur = np.arange(nr)
        for _ in range(64):
            ok = cur >= 0
            if not ok.any():
                break
            lv = np.where(ok, self.level[np.clip(cur, 0, nr - 1)], -1)
            for L in range(4):
                m = ok & (lv == L) & (anc[L] < 0)
                anc[L][m] = cur[m]
            cur = np.where(ok, self.parent[np.clip(cur, 0, nr - 1)], -1)
        self.anc = anc
        d = indicators["direction"].fillna("none") if "direction" in indicators else pd.Series("none", index=indicators.index)
        self.idir = d.map({"higher": 1, "lower": -1}).fillna(0).to_numpy(np.int64)
        u = indicators["unit"].fillna("") if "unit" in indicators else pd.Series("", index=indicators.index)
        self.ipercent = (u == "percent").to_numpy()
        pid = {p: i for i, p in enumerate(plans["id"])}
        self.plan_base = (plans["baseline_year"].fillna(0).to_numpy(np.int64)
                          if "baseline_year" in plans else np.zeros(len(plans), np.int64))
        plan_region = plans["region"].map(self.rcode).to_numpy(np.int64)

        t = targets
        self.n = len(t)
        self.tplan = t["plan"].map(pid).to_numpy(np.int64)
        treg = t["region"] if "region" in t else pd.Series(np.nan, index=t.index)
        self.tregion = np.where(treg.isna(), plan_region[self.tplan],
                                treg.map(self.rcode).fillna(-1)).astype(np.int64)
        self.tind = t["indicator"].map(self.iid).to_numpy(np.int64)
        self.tyear = t["year"].to_numpy(np.int64)
        self.rules = self.rule_table(t["rule"].tolist())
        # targets by (region, indicator, year), then dataset order: reference_target
        comb = (self.tregion * self.ni + self.tind) * 256 + (self.tyear - YEAR0)
        order = np.lexsort((np.arange(self.n), comb))
        self.t_comb, self.t_order = comb[order], order

        t0 = time.perf_counter()
        self.store = Store(load_observations(obs_path, self.rcode, self.iid), self.ni)
        self.csv_seconds = time.perf_counter() - t0

    def rule_table(self, rules):
        """Rule fields as columns; composites' parts as their own rows (part_of, part_no)."""
        rows, parts = [], []
        for i, r in enumerate(rules):
            rows.append(r)
            if r.get("kind") in ("any", "all"):
                for k, p in enumerate(r.get("rules", [])):
                    parts.append((i, k, p))
        df = fill_rules(pd.DataFrame.from_records(rows))
        self.parts = pd.DataFrame()
        if len(parts):
            self.parts = fill_rules(pd.DataFrame.from_records([p for _, _, p in parts]))
            self.parts["part_of"] = [i for i, _, _ in parts]
            self.parts["part_no"] = [k for _, k, _ in parts]
        return df

    # ---- the parts of a rule every kind shares
    def scope_region(self, region, scope):
        out = np.full(len(region), -1, np.int64)
        lv = self.level[region]
        m = scope == "province"
        out[m] = np.where(lv[m] == 1, self.parent[region[m]], self.anc[1][region[m]])
        m = scope == "prefecture"
        out[m] = np.where(lv[m] == 2, -1, self.anc[2][region[m]])
        m = scope == "country"
        out[m] = self.anc[0][region[m]]
        m = ~np.isin(scope, ["province", "prefecture", "country"])
        if m.any():
            out[m] = pd.Series(scope[m]).map(self.rcode).fillna(-1).to_numpy(np.int64)
        return out

    def baseline(self, key, want):
        """Baseline policy "next": the number of the year, else the first one after it."""
        return self.store.first_from(key, want)

    def resolve(self, R, C, depth):
        """Vectorised resolve(): R rule columns (numpy arrays), C the judged context.
        Returns dict of arrays rc, op, v, lo, hi, dir, target, linear, best."""
        n = len(R["kind_i"])
        kind = R["kind_i"]
        idir = self.idir[C["ind"]]
        out = {"rc": np.full(n, R_NA, np.int64), "op": np.zeros(n, np.int64),
               "v": np.full(n, np.nan), "lo": np.full(n, np.nan), "hi": np.full(n, np.nan),
               "dir": idir.copy(), "target": np.full(n, np.nan),
               "linear": np.zeros(n, bool), "best": np.zeros(n, bool)}

        def simple(m, op, v):
            out["rc"][m] = R_OK
            out["op"][m] = op
            out["v"][m] = v
            out["target"][m] = v
            out["dir"][m] = np.where((op == C_LE) | (op == C_LT), -1, 1)

        val = R["value"]
        for name, op in (("le", C_LE), ("lt", C_LT), ("ge", C_GE), ("gt", C_GT)):
            m = kind == K[name]
            simple(m, np.full(m.sum(), op), val[m])
        m = (kind == K["value"]) & (idir != 0)
        simple(m, np.where(idir[m] > 0, C_GE, C_LE), val[m])
        m = ((kind == K["value"]) & (idir == 0)) | (kind == K["about"])
        if m.any():
            tol = np.where((kind[m] == K["about"]) & ~np.isnan(R["tolerance"][m]), R["tolerance"][m], ABOUT_TOL)
            v, d = val[m], idir[m]
            lo = np.where(d > 0, v * (1 - tol), np.where(d < 0, -np.inf, v * (1 - tol)))
            hi = np.where(d < 0, v * (1 + tol), np.where(d > 0, np.inf, v * (1 + tol)))
            neg = v < 0
            lo, hi = np.where(neg, np.fmin(lo, hi), lo), np.where(neg, np.fmax(lo, hi), hi)
            out["rc"][m] = R_OK
            out["op"][m] = C_BAND
            out["v"][m] = v
            out["target"][m] = v
            out["lo"][m], out["hi"][m] = lo, hi
            out["dir"][m] = d
        m = kind == K["range"]
        if m.any():
            above = C["base_found"][m] & (C["base_value"][m] > R["high"][m])
            out["rc"][m] = R_OK
            out["op"][m] = C_RANGE
            out["lo"][m], out["hi"][m] = R["low"][m], R["high"][m]
            out["target"][m] = np.where(above, R["high"][m], R["low"][m])
            out["dir"][m] = np.where(above, -1, 1)
        m = kind == K["change_from"]
        if m.any():
            idx = np.nonzero(m)[0]
            ry = R["ref_year"][idx]
            has = ry > 0
            f, rv = C["base_found"][idx].copy(), C["base_value"][idx].copy()
            fe, ve = self.store.exact(C["key"][idx], np.where(has, ry, YEAR0))
            f = np.where(has, fe & ~np.isnan(ve), f & ~np.isnan(rv))
            rv = np.where(has, ve, rv)
            fb, _, vb = self.baseline(C["key"][idx], np.where(has, ry, YEAR0))
            retry = has & ~f
            f = np.where(retry, fb & ~np.isnan(vb), f)
            rv = np.where(retry, vb, rv)
            p = val[idx]
            tv = rv * (1 + p)
            d = np.where(p < 0, -1, np.where(p > 0, 1, idir[idx]))
            ok = idx[f]
            simple(ok, np.where(d[f] < 0, C_LE, C_GE), tv[f])
            out["rc"][idx[~f]] = R_NO_DATA
        m = kind == K["per_year"]
        if m.any():
            idx = np.nonzero(m)[0]
            f = C["base_found"][idx]
            years = C["target_year"][idx] - C["base_year"][idx]
            comp = R["compound"][idx].astype(bool)
            b, p = C["base_value"][idx], val[idx]
            with np.errstate(all="ignore"):
                tv = np.where(comp, b * np.power(1 + p, years), b + p * years)
            d = np.where(p < 0, -1, np.where(p > 0, 1, idir[idx]))
            ok = idx[f]
            simple(ok, np.where(d[f] < 0, C_LE, C_GE), tv[f])
            out["linear"][ok] = ~comp[f]
            out["rc"][idx[~f]] = R_NO_DATA
        m = kind == K["improve"]
        if m.any():
            idx = np.nonzero(m)[0]
            d = idir[idx]
            f = C["base_found"][idx]
            out["rc"][idx] = np.where(d == 0, R_NA, np.where(f, R_OK, R_NO_DATA))
            ok = idx[(d != 0) & f]
            b = C["base_value"][ok]
            out["op"][ok] = C_IMPROVE
            out["v"][ok] = b
            out["dir"][ok] = idir[ok]
            out["target"][ok] = np.nan
            out["best"][ok] = ((idir[ok] < 0) & (b == 0)) | ((idir[ok] > 0) & self.ipercent[C["ind"][ok]] & (b >= 100))
        m = kind == K["reference_value"]
        if m.any():
            idx = np.nonzero(m)[0]
            ref = self.scope_region(C["region"][idx], R["scope"][idx])
            year = np.where(C["latest_found"][idx], C["latest_year"][idx], C["eval_year"][idx])
            fe, ve = self.store.exact(np.clip(ref, 0, None) * self.ni + C["ind"][idx], year)
            fe &= (ref >= 0) & ~np.isnan(ve)
            opn = R["op"][idx]
            d = idir[idx]
            op = np.select([opn == "lt", opn == "gt", opn == "le", opn == "ge"], [C_LT, C_GT, C_LE, C_GE],
                           np.where(d > 0, C_GT, C_LT))
            ok = fe & ~((opn == "better") & (d == 0))
            simple(idx[ok], op[ok], ve[ok])
        m = kind == K["same_ratio"]
        if m.any():
            idx = np.nonzero(m)[0]
            have = C["base_found"][idx] & C["latest_found"][idx] & ~np.isnan(C["latest_value"][idx])
            wi = pd.Series(R["indicator"][idx]).map(self.iid).fillna(-1).to_numpy(np.int64)
            wkey = C["region"][idx] * self.ni + np.clip(wi, 0, None)
            fb, vb = self.store.exact(wkey, C["base_year"][idx])
            fl, vl = self.store.exact(wkey, C["latest_year"][idx])
            okw = (wi >= 0) & fb & fl & ~np.isnan(vb) & ~np.isnan(vl) & (vb != 0)
            out["rc"][idx[~have & (wi >= 0)]] = R_NO_DATA   # no such indicator: not assessable
            out["rc"][idx[have & ~okw]] = R_NA
            ok = have & okw
            with np.errstate(all="ignore"):
                tv = C["base_value"][idx] * (vl / vb)
            simple(idx[ok], np.full(ok.sum(), C_GE), tv[ok])
        m = kind == K["expr"]
        if m.any():
            self.resolve_expr(np.nonzero(m)[0], R, C, out)
        m = kind == K["reference_target"]
        if m.any():
            self.resolve_reference(np.nonzero(m)[0], R, C, out, depth)
        # qualitative, any/all nested below the top, unknown kinds: not assessable (the default)
        return out

    def resolve_expr(self, idx, R, C, out):
        """expr in the generator's form: NAME OP NUMBER, optional when of the same form."""
        def parse(texts):
            names, ops, nums, good = [], [], [], []
            for s in texts:
                mt = EXPR_RE.match(s) if isinstance(s, str) else None
                good.append(mt is not None and mt.group(1) in self.iid)
                names.append(self.iid.get(mt.group(1), 0) if mt else 0)
                ops.append(mt.group(2) if mt else "")
                nums.append(float(mt.group(3)) if mt else np.nan)
            return np.array(names), np.array(ops), np.array(nums), np.array(good)

        def compare(a, op, b):
            eq = np.abs(a - b) <= TOL * np.maximum(np.maximum(np.abs(a), np.abs(b)), 1)
            return np.select([op == "==", op == "!=", op == "<", op == "<=", op == ">", op == ">="],
                             [eq, ~eq, (a < b) & ~eq, (a < b) | eq, (a > b) & ~eq, (a > b) | eq], False)

        en, eo, ev, eg = parse(R["expr"][idx])
        has_when = np.array([isinstance(w, str) for w in R["when"][idx]])
        wn, wo, wv, wg = parse(np.where(has_when, R["when"][idx], "x == 0"))
        bad = ~eg | (has_when & ~wg)
        if bad.any():
            self.excluded.update(int(x) for x in C["self"][idx[bad]])
        ey = C["eval_year"][idx]
        fw, _, vw = self.store.latest(C["region"][idx] * self.ni + wn, ey)
        fe, _, ve = self.store.latest(C["region"][idx] * self.ni + en, ey)
        when_ok = ~has_when | compare(vw, wo, wv)
        rc = np.where(has_when & ~fw, R_NO_DATA,
                      np.where(~when_ok, R_NA, np.where(~fe, R_NO_DATA, R_OK)))
        out["rc"][idx] = rc
        ok = rc == R_OK
        out["op"][idx[ok]] = np.where(compare(ve[ok], eo[ok], ev[ok]), C_TRUE, C_FALSE)
        out["target"][idx[ok]] = np.nan

    def find_target(self, region, ind, year, self_idx):
        """First target of (region, indicator, year) in dataset order other than self; -1."""
        q = (region * self.ni + ind) * 256 + (year - YEAR0)
        pos = np.searchsorted(self.t_comb, q, side="left")
        n = len(self.t_comb)
        res = np.full(len(q), -1, np.int64)
        pc = np.clip(pos, 0, n - 1)
        hit = (pos < n) & (self.t_comb[pc] == q) & (region >= 0)
        cand = self.t_order[pc]
        res[hit & (cand != self_idx)] = cand[hit & (cand != self_idx)]
        # the first is the target itself: the next of the same key, if any
        p2 = pos + 1
        pc2 = np.clip(p2, 0, n - 1)
        again = hit & (cand == self_idx) & (p2 < n) & (self.t_comb[pc2] == q)
        res[again] = self.t_order[pc2][again]
        return res

    def resolve_reference(self, idx, R, C, out, depth):
        ref = self.scope_region(C["region"][idx], R["scope"][idx])
        rt = self.find_target(ref, C["ind"][idx], C["target_year"][idx], C["self"][idx])
        ok = (ref >= 0) & (rt >= 0) & (depth < MAX_REF_DEPTH)
        out["rc"][idx[~ok]] = R_NA
        if not ok.any():
            return
        sub = idx[ok]
        rt, ref = rt[ok], ref[ok]
        want = self.plan_base[self.tplan[rt]]
        want = np.where(want > 0, want, C["base_year_wanted"][sub])
        key = ref * self.ni + C["ind"][sub]
        fb, yb, vb = self.baseline(key, want)
        C2 = {k: v[sub] for k, v in C.items()}
        C2.update(region=ref, key=key, base_year_wanted=want, base_found=fb, base_year=yb,
                  base_value=vb, self=rt)
        R2 = {k: v[rt] for k, v in self.R.items()}
        res = self.resolve(R2, C2, depth + 1)
        for k in out:
            out[k][sub] = res[k]

    def cond_met(self, k, x):
        op, v, lo, hi = k["op"], k["v"], k["lo"], k["hi"]
        with np.errstate(invalid="ignore"):
            imp = np.where(k["best"] & le_tol(np.abs(x - v), 0), True,
                           np.where(k["dir"] > 0, lt_tol(v, x), lt_tol(x, v)))
            band = le_tol(lo, x) & le_tol(x, hi)
            return np.select([op == C_LE, op == C_LT, op == C_GE, op == C_GT, op == C_BAND,
                              op == C_RANGE, op == C_IMPROVE, op == C_TRUE],
                             [le_tol(x, v), lt_tol(x, v), le_tol(v, x), lt_tol(v, x), band, band, imp,
                              True], False)

    # ---- the whole evaluation
    def evaluate(self):
        n, st = self.n, self.store
        self.excluded = set()
        R = {c: self.rules[c].to_numpy() for c in ("kind_i", "value", "tolerance", "low", "high",
                                                     "ref_year", "compound", "op", "scope",
                                                     "indicator", "expr", "when")}
        R["ref_year"] = np.nan_to_num(R["ref_year"].astype(float)).astype(np.int64)
        R["compound"] = R["compound"].astype(bool)
        for c in ("value", "tolerance", "low", "high"):
            R[c] = R[c].astype(float)
        self.R = R
        kind = R["kind_i"]
        for bad in ("change_by",):
            self.excluded.update(np.nonzero(kind == K[bad])[0].tolist())
        self.excluded.update(np.nonzero(kind < 0)[0].tolist())

        key = self.tregion * self.ni + self.tind
        asof = pd.Series(key).map(st.asof).fillna(0).to_numpy(np.int64)
        asof = np.where(asof > 0, asof, self.tyear - 1)
        now = self.tyear <= asof
        eval_year = np.where(now, self.tyear, asof)
        want = self.plan_base[self.tplan]
        fb, yb, vb = self.baseline(key, np.where(want > 0, want, YEAR0))
        want = np.where(want > 0, want, np.where(fb, yb, 0))
        fb = fb & (yb <= eval_year)
        fl, yl, vl = st.latest(key, eval_year)
        C = {"region": self.tregion, "ind": self.tind, "key": key, "target_year": self.tyear,
             "eval_year": eval_year, "base_year_wanted": want, "base_found": fb, "base_year": yb,
             "base_value": vb, "latest_found": fl, "latest_year": yl, "latest_value": vl,
             "self": np.arange(n)}
        k = self.resolve(R, C, 0)
        met = np.zeros(n, bool)
        comp = (kind == K["any"]) | (kind == K["all"])
        if comp.any():
            self.resolve_composites(np.nonzero(comp)[0], C, k, met)
        rc = k["rc"]
        x = vl
        simple_met = self.cond_met(k, x)
        met = np.where(comp, met, simple_met)

        status = np.full(n, -1, np.int64)
        cls = np.full(n, CL_NONE, np.int64)
        target_value = np.where((rc == R_OK) & ~np.isnan(k["target"]), k["target"], np.nan)
        na = rc == R_NA
        status[na], cls[na] = ST_NA, CL_NC
        true_false = (k["op"] == C_TRUE) | (k["op"] == C_FALSE)
        nodata = ~na & (~fl | (np.isnan(x) & ~true_false))
        status[nodata] = ST_NODATA
        nodata2 = ~na & ~nodata & (rc == R_NO_DATA)
        status[nodata2] = ST_NODATA
        live = status < 0
        met &= live

        tgt = k["target"]
        d = np.where(k["dir"] != 0, k["dir"], np.where(fb & (tgt < vb), -1, 1))
        with np.errstate(all="ignore"):
            gap = np.where(live & ~np.isnan(tgt), d * (tgt - x), np.nan)
            gap = np.where(met & (gap > 0), 0.0, gap)
            progress = np.where(live & ~np.isnan(tgt) & fb & (tgt != vb), (x - vb) / (tgt - vb), np.nan)

        # the progress measure (progress.c, opensdg)
        req = np.full(n, np.nan)
        act = np.full(n, np.nan)
        ratio = np.full(n, np.nan)
        pcls = np.full(n, CL_NC, np.int64)
        tf = live & true_false
        pcls[tf] = np.where(met[tf], CL_ACH, CL_NC)
        pm = live & ~true_false & fb
        if pm.any():
            idx = np.nonzero(pm)[0]
            pdir = k["dir"][idx]
            t_in = np.where(k["op"][idx] == C_IMPROVE, np.nan, tgt[idx])
            r = progress_measure(pdir, yb[idx], vb[idx], yl[idx], x[idx], self.tyear[idx], t_in,
                                 k["linear"][idx], met[idx])
            req[idx], act[idx], ratio[idx], pcls[idx] = r
            imp_met = (k["op"][idx] == C_IMPROVE) & met[idx]
            pcls[idx[imp_met]] = CL_ACH

        # status and class
        a = live & now & met
        status[a], cls[a] = ST_ACH, CL_ACH
        b = live & now & ~met
        status[b] = ST_NOT
        cls[b] = np.where((pcls[b] == CL_ACH) | (pcls[b] == CL_SIG), CL_MOD, pcls[b])
        c = live & ~now & met
        status[c], cls[c] = ST_ON, CL_ACH
        e = live & ~now & ~met
        pc = pcls[e]
        status[e] = np.select([(pc == CL_ACH) | (pc == CL_SIG),
                               (pc == CL_MOD) | (pc == CL_INS) | (pc == CL_AWAY)], [ST_ON, ST_OFF], ST_NA)
        cls[e] = np.where(pc == CL_ACH, CL_SIG, pc)

        res = pd.DataFrame({
            "plan": self.plan_ids[self.tplan], "target": self.target_ids,
            "status": np.array(STATUS, dtype=object)[status], "class": np.array(CLASSES, dtype=object)[cls],
            "baseline_year": np.where(fb, yb, 0), "baseline_value": np.where(fb, vb, np.nan),
            "target_value": target_value, "latest_year": np.where(fl, yl, 0),
            "latest_value": np.where(fl, vl, np.nan), "gap": gap, "progress": progress,
            "required_rate": np.where(live, req, np.nan), "actual_rate": np.where(live, act, np.nan),
            "ratio": np.where(live, ratio, np.nan)})
        res["excluded"] = False
        if self.excluded:
            res.loc[sorted(self.excluded), "excluded"] = True
        return res

    def resolve_composites(self, idx, C, k, met):
        """any/all: parts resolved with the target's context (resolve_composite)."""
        P = self.parts
        P = P[P["part_of"].isin(idx)].reset_index(drop=True)
        if P.empty:
            return
        owner = P["part_of"].to_numpy()
        R = {c: P[c].to_numpy() for c in ("kind_i", "value", "tolerance", "low", "high", "ref_year",
                                          "compound", "op", "scope", "indicator", "expr", "when")}
        R["ref_year"] = np.nan_to_num(R["ref_year"].astype(float)).astype(np.int64)
        R["compound"] = R["compound"].astype(bool)
        for c in ("value", "tolerance", "low", "high"):
            R[c] = R[c].astype(float)
        Cp = {c: v[owner] for c, v in C.items()}
        kp = self.resolve(R, Cp, 0)
        x = Cp["latest_value"]
        okp = kp["rc"] == R_OK
        mp = np.where(Cp["latest_found"] & ~np.isnan(x), self.cond_met(kp, x), kp["op"] == C_TRUE) & okp
        df = pd.DataFrame({"owner": owner, "no": P["part_no"].to_numpy(), "ok": okp, "met": mp,
                           "rc": kp["rc"], "has_t": okp & ~np.isnan(kp["target"])})
        df["row"] = np.arange(len(df))
        g = df.groupby("owner", sort=False)
        n_parts = g.size()
        count_ok = g["ok"].sum()
        count_met = g["met"].sum()
        # status: the last failed part's outcome, unless a later part (or any part) was OK
        last_fail = df[~df["ok"]].groupby("owner")["rc"].last()
        any_ok = count_ok > 0
        status = pd.Series(R_NA, index=n_parts.index)
        status.loc[last_fail.index] = last_fail
        status[any_ok] = R_OK
        # the condition: the first part with a target number, else part 0 when it resolved
        first_t = df[df["has_t"]].groupby("owner")["row"].first()
        part0 = df[(df["no"] == 0) & df["ok"]].set_index("owner")["row"]
        first = part0.copy()
        first.loc[first_t.index] = first_t
        owners = n_parts.index.to_numpy()
        kinds = self.R["kind_i"][owners]
        is_any = kinds == K["any"]
        nparts = n_parts.to_numpy()
        cok, cmet = count_ok.to_numpy(), count_met.to_numpy()
        met_o = np.where(is_any, cmet > 0, (cok == nparts) & (cmet == nparts))
        st = status.to_numpy()
        rc = np.where(~is_any & (cok < nparts) & ~met_o, np.where(st == R_OK, R_NA, st),
                      np.where(cok > 0, R_OK, st))
        met[owners] = met_o
        for c in k:
            if c == "rc":
                continue
            base = np.full(len(owners), np.nan) if k[c].dtype.kind == "f" else np.zeros(len(owners), k[c].dtype)
            if c == "target":
                base = np.full(len(owners), np.nan)
            k[c][owners] = base
        fo = first.reindex(owners)
        has = fo.notna().to_numpy()
        rows = fo.dropna().astype(np.int64).to_numpy()
        for c in k:
            if c == "rc":
                continue
            k[c][owners[has]] = kp[c][rows]
        k["dir"][owners[~has]] = 0
        k["rc"][owners] = rc


def progress_measure(d_in, by, b, ly, l, ty, t, linear, met):
    """hp_progress_compute() under opensdg with the default thresholds, vectorised.
    Returns required rate, actual rate, ratio, class."""
    n = len(b)
    req = np.full(n, np.nan)
    act = np.full(n, np.nan)
    ratio = np.full(n, np.nan)
    cls = np.full(n, CL_NC, np.int64)
    span = (ty - by).astype(float)
    el = (ly - by).astype(float)
    hasT = ~np.isnan(t)
    with np.errstate(all="ignore"):
        eq = np.abs(t - b) <= PTOL * np.maximum(np.abs(t), np.abs(b))
        d = np.where(d_in > 0, 1, np.where(d_in < 0, -1,
                     np.where(~hasT | eq, 0, np.where(t > b, 1, -1))))

        def classify(x, hi, mid):
            return np.select([x >= hi - PTOL, x >= mid - PTOL, x >= 0 - PTOL], [CL_SIG, CL_MOD, CL_INS], CL_AWAY)

        # ---- with a target number
        T = hasT
        base_meets = T & ~eq & (((d > 0) & (b > t)) | ((d < 0) & (b < t)))
        neg = (b < 0) | (l < 0) | (t < 0)
        ok_vals = T & (linear | ~neg)
        bs = np.where(b == 0, ZERO_SUB, b)
        ls = np.where(l == 0, ZERO_SUB, l)
        ts = np.where(t == 0, ZERO_SUB, t)
        lin = T & linear
        comp = T & ~linear & ok_vals
        req = np.where(lin & (span > 0), (t - b) / span, req)
        act = np.where(lin & (el > 0), (l - b) / el, act)
        req = np.where(comp & (span > 0) & (ts >= 0), np.power(ts / bs, 1.0 / span) - 1, req)
        act = np.where(comp & (el > 0), np.power(ls / bs, 1.0 / el) - 1, act)
        rr = np.where(ok_vals & ~eq & ~base_meets & np.isfinite(act) & np.isfinite(req) & (req != 0),
                      d * act / np.abs(req), np.nan)
        rr = np.where(np.isfinite(rr), rr, np.nan)
        ratio = np.where(T, rr, ratio)
        tcls = np.select(
            [met, span <= 0, el < 0, el == 0, eq & met, eq, base_meets & met, base_meets,
             ~ok_vals, np.isnan(rr)],
            [CL_ACH, CL_NC, CL_NC, CL_NC, CL_ACH, CL_AWAY, CL_ACH, CL_AWAY, CL_NC, CL_NC],
            classify(rr, SIGNIFICANT, MODERATE))
        ratio = np.where(T & ~met & base_meets, np.nan, ratio)
        cls = np.where(T, tcls, cls)

        # ---- no target number: the trend
        U = ~hasT
        tr_act = np.where(linear, (l - b) / el, np.where((b < 0) | (l < 0), np.nan,
                                                         np.power(ls / bs, 1.0 / el) - 1))
        growth = np.where(linear, tr_act / np.abs(b), tr_act)
        g = d * growth
        valid = (d != 0) & (el > 0) & ~(linear & (b == 0)) & (linear | ((b >= 0) & (l >= 0)))
        u_act = np.where(U & (d != 0) & (el > 0) & (linear | ((b >= 0) & (l >= 0))), tr_act, np.nan)
        act = np.where(U, u_act, act)
        g = np.where(valid & np.isfinite(g), g, np.nan)
        ratio = np.where(U, g, ratio)
        ucls = np.where(np.isnan(g), CL_NC, classify(g, TREND_SIG, TREND_MOD))
        cls = np.where(U, ucls, cls)
        req = np.where(U, np.nan, req)
    return req, act, ratio, cls


# ------------------------------------------------------------------ commands

def run(dirpath, out=None, quiet=False):
    t0 = time.perf_counter()
    regions, indicators, plans, targets = load_dataset(os.path.join(dirpath, "dataset.json"))
    t_json = time.perf_counter() - t0
    t1 = time.perf_counter()
    m = Model(regions, indicators, plans, targets, os.path.join(dirpath, "observations.csv"))
    m.plan_ids = plans["id"].to_numpy(dtype=object)
    m.target_ids = targets["id"].to_numpy(dtype=object)
    t_csv = m.csv_seconds
    t_prep = time.perf_counter() - t1 - t_csv
    t2 = time.perf_counter()
    res = m.evaluate()
    t_eval = time.perf_counter() - t2
    t3 = time.perf_counter()
    if out:
        res.to_csv(out, index=False, float_format="%.12g")
    t_write = time.perf_counter() - t3
    if not quiet:
        n = len(res)
        print(f"reference: {n} targets, {len(m.store.num_comb)} numeric observations; "
              f"{int(res['excluded'].sum())} excluded (kinds not implemented)", file=sys.stderr)
        for name, t in (("json", t_json), ("csv", t_csv), ("prepare", t_prep), ("evaluate", t_eval),
                        ("write", t_write), ("whole", t_json + t_csv + t_prep + t_eval + t_write)):
            print(f"pandas_{name} {t:.4f} s", file=sys.stderr)
        print(f"pandas_eval_rate {n / t_eval / 1e6:.3f} Mtargets/s", file=sys.stderr)
    return res


def check(dirpath, healthplan):
    res = run(dirpath, quiet=True)
    p = subprocess.run([healthplan, "evaluate", "--format", "csv",
                        os.path.join(dirpath, "dataset.json"), os.path.join(dirpath, "observations.csv")],
                       capture_output=True, check=True)
    import io
    lib = pd.read_csv(io.BytesIO(p.stdout), dtype={"plan": str, "target": str}, keep_default_na=False,
                      na_values={c: [""] for c in ("baseline_value", "target_value", "latest_value", "gap",
                                                   "progress", "required_rate", "actual_rate", "ratio",
                                                   "baseline_year", "latest_year")})
    if len(lib) != len(res):
        print(f"check: {len(lib)} results from the library, {len(res)} from the reference")
        return 1
    bad = 0
    keep = ~res["excluded"].to_numpy()
    same_id = (lib["plan"].to_numpy() == res["plan"].to_numpy()) & (lib["target"].to_numpy() == res["target"].to_numpy())
    if not same_id.all():
        print("check: results are not in the same order")
        return 1
    for col in ("status", "class"):
        a = lib[col].fillna("").astype(str).to_numpy()
        b = res[col].to_numpy().astype(str)
        diff = keep & (a != b)
        bad += report(lib, res, diff, col, a, b)
    for col in ("baseline_year", "latest_year"):
        a = lib[col].fillna(0).astype(np.int64).to_numpy()
        b = res[col].to_numpy()
        bad += report(lib, res, keep & (a != b), col, a, b)
    for col in ("baseline_value", "target_value", "latest_value", "gap", "progress", "required_rate",
                "actual_rate", "ratio"):
        a = lib[col].astype(float).to_numpy()
        b = res[col].astype(float).to_numpy()
        both = np.isnan(a) & np.isnan(b)
        close = np.abs(a - b) <= 1e-9 * np.maximum(np.abs(a), np.abs(b)) + 1e-300
        diff = keep & ~both & ~close
        bad += report(lib, res, diff, col, a, b)
    n = len(res)
    excl = int((~keep).sum())
    counts = res.loc[keep, "status"].value_counts().to_dict()
    print(f"check: {n} targets, {n - excl} compared ({excl} excluded: kinds the reference does not "
          f"implement), {bad} differences; statuses {counts}")
    return 1 if bad else 0


def report(lib, res, diff, col, a, b):
    k = int(diff.sum())
    if k:
        print(f"check: {col}: {k} differences, e.g.")
        for i in np.nonzero(diff)[0][:5]:
            print(f"  {lib['plan'][i]}/{lib['target'][i]} ({lib['rule'][i]}): library {a[i]!r}, "
                  f"reference {b[i]!r}")
    return k


def main(argv):
    if len(argv) >= 2 and argv[1] == "evaluate":
        out = argv[argv.index("--out") + 1] if "--out" in argv else None
        run(argv[2], out)
        return 0
    if len(argv) >= 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "jsonload":
        runs = int(argv[3]) if len(argv) > 3 else 3
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            with open(argv[2], "rb") as f:
                json.load(f)
            times.append(time.perf_counter() - t)
        print(f"json_load {sorted(times)[len(times) // 2]:.4f} s (median of {runs})")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
