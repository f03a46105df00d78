#!/usr/bin/python3
"""The Python bulk path on a generated dataset (bench/gen.c), beside the same calls from C.

    PYTHONPATH=<build>/bindings/python /usr/bin/python3 bench/python_bulk.py DIR [RUNS] [THREADS]

Times (medians of RUNS, default 3): loading dataset.json + observations.csv through
healthplan.load(), evaluate() (the GIL released, THREADS threads, default 1), the numbers as
numpy arrays (Results.arrays(): one C loop), a pandas DataFrame (Results.to_pandas()) and the
CSV text (Results.to_csv()). Prints "key value unit" lines; bench/run.sh puts them beside
hp_bench's C figures and docs/performance.md gives the ratios.
"""
import os
import statistics
import sys
import time

import healthplan


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = argv[1]
    runs = int(argv[2]) if len(argv) > 2 else 3
    threads = int(argv[3]) if len(argv) > 3 else 1
    paths = (os.path.join(d, "dataset.json"), os.path.join(d, "observations.csv"))
    t = {k: [] for k in ("load", "evaluate", "arrays", "evaluate_arrays", "to_pandas", "to_csv")}
    n = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        ds = healthplan.load(*paths)
        t["load"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        res = ds.evaluate(threads=threads)
        t["evaluate"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        arr = res.arrays(keys=False)
        t["arrays"].append(time.perf_counter() - t0)
        t["evaluate_arrays"].append(t["evaluate"][-1] + t["arrays"][-1])
        n = len(arr["status"])
        t0 = time.perf_counter()
        df = res.to_pandas()
        t["to_pandas"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        text = res.to_csv()
        t["to_csv"].append(time.perf_counter() - t0)
        del df, text, arr, res, ds
    print(f"python_bulk {d}: {n} targets, {runs} runs (medians), {threads} thread(s)")
    for k, v in t.items():
        print(f"py_{k}_{threads}t {statistics.median(v):.4f} s")
    print(f"py_eval_rate_{threads}t {n / statistics.median(t['evaluate']) / 1e6:.3f} Mtargets/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
