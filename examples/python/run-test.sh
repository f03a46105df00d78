#!/bin/sh
# ctest: run the Python examples against the build tree (PYTHONPATH set by ctest) and check
# what they print and draw.
# usage: run-test.sh PYTHON EXAMPLES_PYTHON_DIR WORK_DIR
set -eu
PY=$1
DIR=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
export MPLBACKEND=Agg MPLCONFIGDIR="$WORK/mpl"

fail() { echo "FAIL: $*" >&2; exit 1; }
has() { printf '%s\n' "$1" | grep -Eq "$2" || fail "output lacks /$2/"; }

# 1. compare_cities.py: the table and the chart
out=$("$PY" "$DIR/compare_cities.py" --output "$WORK/compare_cities.png")
has "$out" '^infant_mortality \(Infant mortality rate, permille\)$'
has "$out" '^  Yiyang +2\.82 \(2020\) +yiyang-13fyp/3 +≤ 6\.5 by 2020 +achieved$'
has "$out" '^yiyang-13fyp +10 targets: 10 achieved$'
has "$out" '^[0-9]+ indicators targeted by both cities$'
has "$out" '^chart: .*compare_cities\.png \([0-9]+ indicators\)$'
png="$WORK/compare_cities.png"
[ -f "$png" ] || fail "no chart written"
size=$(wc -c <"$png")
[ "$size" -gt 30000 ] || fail "chart is only $size bytes"
"$PY" - "$png" <<'PY' || fail "chart is not a sensible PNG"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert w >= 800 and h >= 600, (w, h)
PY
echo "compare_cities.py: ok ($size bytes, $png)"

# 2. evaluate_csv.py: illustrative observations against the 14th five-year plan
out=$("$PY" "$DIR/evaluate_csv.py" "$DIR/data/yiyang-illustrative.csv" --plan yiyang-14fyp)
has "$out" '^yiyang-14fyp: 8 observations read from .*; 100 targets judged \(opensdg\)$'
# beds: 7.82 (2020) -> 7.95 (2023), target 8 by 2025: actual 0.551%/yr vs required 0.456%/yr
has "$out" '^10 +beds_per_1000 .* 7\.82 \(2020\) +7\.95 \(2023\) +on_track +significant '
# physicians: 2.88 -> 2.95, target 3.2: actual 0.80%/yr vs required 2.13%/yr, ratio 0.38
has "$out" '^11 +physicians_per_1000 .* off_track +insufficient '
# general practitioners: 2.62 -> 3.10, target 3.93: ratio 0.68
has "$out" '^14 +gps_per_10k .* off_track +moderate '
# myopia: 46.1 - 3 x 0.5 = 44.6 in 2023, exactly on the line to 43.6 in 2025
has "$out" '^17 +child_myopia_rate .* 44\.6 \(2023\) +on_track +significant '
has "$out" '^yiyang-14fyp +100 '
csv=$("$PY" "$DIR/evaluate_csv.py" "$DIR/data/yiyang-illustrative.csv" --plan yiyang-14fyp --format csv)
has "$csv" '^plan,target,region,indicator,year,rule,nature,as_printed,baseline_year,'
printf 'REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n430900,beds_per_1000,2023,7.9x\n' >"$WORK/bad.csv"
if err=$("$PY" "$DIR/evaluate_csv.py" "$WORK/bad.csv" --plan yiyang-14fyp 2>&1); then
    fail "a bad CSV was accepted"
fi
has "$err" 'bad\.csv:2:27: OBS_VALUE: expected a number'
if err=$("$PY" "$DIR/evaluate_csv.py" "$DIR/data/yiyang-illustrative.csv" --plan yiyang-15fyp 2>&1); then
    fail "an unknown plan was accepted"
fi
has "$err" 'did you mean'
echo "evaluate_csv.py: ok"
