#!/usr/bin/python3
"""A national evaluation partitioned by province and run under Dask (DESIGN §9).

Evaluation is independent per region, except where a target refers to another region's target
or value (全省控制目标内, 优于全省平均水平: the province, the prefecture, the country). Every such
reference stays inside a province's tree, so a province with its prefectures and counties, plus
China itself (the country, with its targets and observations, as context), is a partition that
evaluates exactly as the whole does. This script

  1. partitions DIR/dataset.json and DIR/observations.csv (bench/gen.c writes them) into one
     directory per province under --parts (default DIR/parts): plain JSON and CSV, so that the
     partitions can sit on shared storage and be evaluated anywhere;
  2. evaluates the partitions with Dask (a LocalCluster of --workers processes, or the
     scheduler at --scheduler ADDRESS), each task loading its partition with the Python
     bindings and returning its results as a pandas DataFrame (China's own targets are kept
     from the first partition only);
  3. evaluates the whole dataset in this process and checks that both give the same results,
     column by column (statuses, classes, numbers to the last bit, reasons).

    PYTHONPATH=<build>/bindings/python /usr/bin/python3 examples/python/dask_national.py DIR \\
        [--workers 2] [--scheduler tcp://host:8786] [--parts DIR/parts] [--threads 1]

Debian packages: python3-dask, python3-distributed, python3-pandas (and the bindings).
Exit status 0 when the partitioned results equal the single-process ones.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd


def province_of(regions):
    """Region code -> code of its province ("" for the country)."""
    parent = {r["code"]: r.get("parent") for r in regions}
    level = {r["code"]: r.get("level") for r in regions}
    out = {}
    for code in parent:
        c = code
        for _ in range(64):
            if c is None or level.get(c) == "province":
                break
            c = parent.get(c)
        out[code] = c if c is not None and level.get(c) == "province" else ""
    return out


def partition(src, dest):
    """Write one partition per province; returns their directories, the first one owning the
    country's own results."""
    t0 = time.perf_counter()
    with open(os.path.join(src, "dataset.json"), "rb") as f:
        doc = json.load(f)
    regions = doc.get("regions", [])
    prov = province_of(regions)
    provinces = sorted({p for p in prov.values() if p})
    country = [r["code"] for r in regions if not prov[r["code"]]]
    plan_region = {p["id"]: p["region"] for p in doc.get("plans", [])}

    def part_of_region(code):
        return prov.get(code, "")

    groups = {p: {"regions": [], "plans": [], "targets": []} for p in provinces}
    for r in regions:
        for p in ([prov[r["code"]]] if prov[r["code"]] else provinces):
            groups[p]["regions"].append(r)
    for pl in doc.get("plans", []):
        for p in ([part_of_region(pl["region"])] if part_of_region(pl["region"]) else provinces):
            groups[p]["plans"].append(pl)
    for t in doc.get("targets", []):
        code = t.get("region") or plan_region[t["plan"]]
        for p in ([part_of_region(code)] if part_of_region(code) else provinces):
            groups[p]["targets"].append(t)
    obs = pd.read_csv(os.path.join(src, "observations.csv"), dtype=str, keep_default_na=False)
    obs_prov = obs["REF_AREA"].map(prov).fillna("")
    dirs = []
    for p in provinces:
        d = os.path.join(dest, "province-" + p)
        os.makedirs(d, exist_ok=True)
        g = groups[p]
        with open(os.path.join(d, "dataset.json"), "w", encoding="utf-8") as f:
            json.dump({"format": "healthplan/1", "regions": g["regions"],
                       "indicators": doc.get("indicators", []), "plans": g["plans"],
                       "targets": g["targets"]}, f, ensure_ascii=False)
        obs[(obs_prov == p) | (obs_prov == "")].to_csv(os.path.join(d, "observations.csv"),
                                                       index=False)
        dirs.append(d)
    print(f"partitioned into {len(dirs)} provinces (+ {len(country)} country region(s) as "
          f"context) in {time.perf_counter() - t0:.2f} s -> {dest}")
    return dirs, set(country)


def evaluate_part(d, country, own_country, threads=1):
    """One task: load a partition, evaluate it, return its results (the country's own
    targets only where own_country)."""
    import healthplan
    ds = healthplan.load(os.path.join(d, "dataset.json"), os.path.join(d, "observations.csv"))
    df = ds.evaluate(threads=threads).to_pandas()
    if not own_country:
        df = df[~df["region"].isin(country)]
    return df.reset_index(drop=True)


def same(a, b):
    """Column-by-column equality (NaN equal to NaN); a list of differing columns."""
    bad = []
    for c in a.columns:
        x, y = a[c], b[c]
        if x.dtype.kind == "f":
            eq = (x.to_numpy() == y.to_numpy()) | (np.isnan(x.to_numpy()) & np.isnan(y.to_numpy()))
        else:
            eq = (x.astype(str).to_numpy() == y.astype(str).to_numpy())
        if not eq.all():
            bad.append((c, int((~eq).sum())))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="threads per evaluation")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    ap.add_argument("--parts", help="where to write the partitions (default DIR/parts)")
    a = ap.parse_args()
    from dask.distributed import Client, LocalCluster
    import healthplan

    dirs, country = partition(a.dir, a.parts or os.path.join(a.dir, "parts"))

    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    t0 = time.perf_counter()
    futures = [client.submit(evaluate_part, d, country, i == 0, a.threads, pure=False)
               for i, d in enumerate(dirs)]
    parts = client.gather(futures)
    t_dask = time.perf_counter() - t0
    client.close()
    if cluster:
        cluster.close()
    dist = pd.concat(parts, ignore_index=True)
    print(f"dask: {len(dirs)} partitions on {a.workers if not a.scheduler else a.scheduler} "
          f"worker(s): {len(dist)} results in {t_dask:.2f} s (loading included)")

    t0 = time.perf_counter()
    ds = healthplan.load(os.path.join(a.dir, "dataset.json"), os.path.join(a.dir, "observations.csv"))
    whole = ds.evaluate(threads=a.threads).to_pandas()
    print(f"single process: {len(whole)} results in {time.perf_counter() - t0:.2f} s "
          f"(loading included)")

    if len(dist) != len(whole):
        print(f"DIFFERENT: {len(dist)} partitioned results, {len(whole)} in one process")
        return 1
    key = ["plan", "target"]
    dist = dist.sort_values(key, kind="stable").reset_index(drop=True)
    whole = whole.sort_values(key, kind="stable").reset_index(drop=True)
    bad = same(dist, whole)
    if bad:
        print("DIFFERENT columns: " + ", ".join(f"{c} ({n} rows)" for c, n in bad))
        return 1
    print(f"same: every column of all {len(whole)} results, reasons included")
    return 0


if __name__ == "__main__":
    sys.exit(main())
