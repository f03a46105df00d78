#!/bin/sh
# Generate small datasets and check that the library and the pandas reference agree.
#   run_reference.sh HP_GEN PYTHON REFERENCE_PY HEALTHPLAN WORKDIR
set -eu
gen=$1 py=$2 ref=$3 hp=$4 work=$5
mkdir -p "$work"
# the size the check is specified at, a second seed, and one with every rule kind (expr and
# same_ratio need indicators 3 and 5 of the generator's catalogue, present from 10 on) and
# baselines before the first observed year (8 years: 2017–2024, baseline 2015 → "next")
for spec in "40 10 8 1" "40 10 8 7" "60 25 12 3"; do
    set -- $spec
    dir="$work/r$1-i$2-y$3-s$4"
    "$gen" --regions "$1" --indicators "$2" --years "$3" --seed "$4" --out "$dir" 2>/dev/null
    "$py" "$ref" check "$dir" "$hp"
done
