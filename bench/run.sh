#!/usr/bin/env bash
# Every figure of docs/performance.md, measured side by side in one run.
#
#   bash bench/run.sh [BUILD] [DATA]
#
# BUILD: a build directory configured with -DCMAKE_BUILD_TYPE=Release -DHP_BUILD_BENCH=ON
#        -DHP_BUILD_PYTHON=ON (default build-perf; built here if hp_bench is missing)
# DATA:  where the national dataset goes (default /tmp/hp-national; generated once with
#        hp_gen's defaults, and a year-ordered copy of its observations in DATA-year)
# RUNS=5 sets the repetitions (medians are reported); DASK=0 skips the Dask example.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-perf}
DATA=${2:-/tmp/hp-national}
RUNS=${RUNS:-5}
PY=/usr/bin/python3

if [ ! -x "$BUILD/bench/hp_bench" ]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHP_BUILD_BENCH=ON -DHP_BUILD_PYTHON=ON >/dev/null
    cmake --build "$BUILD" -j "$(nproc)" >/dev/null
fi
if [ ! -f "$DATA/observations.csv" ]; then
    "$BUILD/bench/hp_gen" --out "$DATA"
fi
if [ ! -f "$DATA-year/observations.csv" ]; then
    "$BUILD/bench/hp_gen" --order year --out "$DATA-year"
fi

echo "== machine"
nproc
grep -m1 "model name" /proc/cpuinfo || true
uptime
ls -l "$DATA"

echo
echo "== C library (hp_bench: medians of $RUNS runs)"
"$BUILD/bench/hp_bench" "$DATA" --runs "$RUNS" --threads 2
"$BUILD/bench/hp_bench" "$DATA" --heap

echo
echo "== C library, observations written year by year (unsorted input)"
"$BUILD/bench/hp_bench" "$DATA-year" --runs "$RUNS" --threads 1 --no-extras | sed -n '1,7p'
"$BUILD/bench/hp_bench" "$DATA-year" --heap

echo
echo "== the command line, whole run (load JSON + CSV, evaluate, write CSV)"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$RUNS" --export-json /tmp/hp-hyperfine.json \
        "$BUILD/healthplan evaluate --format csv $DATA/dataset.json $DATA/observations.csv > /dev/null"
else
    /usr/bin/time -f "%e s, %M kB peak" "$BUILD/healthplan" evaluate --format csv \
        "$DATA/dataset.json" "$DATA/observations.csv" > /dev/null
fi
/usr/bin/time -f "healthplan evaluate: %e s wall, %M kB peak RSS" "$BUILD/healthplan" evaluate \
    --format csv "$DATA/dataset.json" "$DATA/observations.csv" > /dev/null

echo
echo "== Python's json module on the same dataset.json"
$PY bench/reference_pandas.py jsonload "$DATA/dataset.json" 3

echo
echo "== pandas reference (bench/reference_pandas.py)"
/usr/bin/time -f "pandas reference: %e s wall, %M kB peak RSS" \
    $PY bench/reference_pandas.py evaluate "$DATA" --out /tmp/hp-pandas-results.csv

echo
echo "== Python bindings, bulk"
PYTHONPATH="$BUILD/bindings/python" $PY bench/python_bulk.py "$DATA" 3 1
PYTHONPATH="$BUILD/bindings/python" $PY bench/python_bulk.py "$DATA" 3 2

if [ "${DASK:-1}" != 0 ]; then
    echo
    echo "== Dask, partitioned by province (examples/python/dask_national.py)"
    PYTHONPATH="$BUILD/bindings/python" $PY examples/python/dask_national.py "$DATA" \
        --workers 2 --parts "$DATA-parts" 2>&1 | grep -v "^\s*$" | grep -v "distributed\." || true
fi
