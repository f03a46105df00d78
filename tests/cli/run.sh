#!/bin/sh
# End-to-end checks of the healthplan command: exit codes, output and located errors.
# usage: run.sh PATH/TO/healthplan TESTS_DATA_DIR
HP="$1"
DATA="$2"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# check NAME EXPECTED_EXIT PATTERN -- COMMAND...: run, compare the exit code, grep stdout+stderr
check() {
    name=$1 want=$2 pattern=$3
    shift 4
    "$@" >"$TMP/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $name: exit $got, expected $want"; sed 's/^/    /' "$TMP/out" | head -20
        fail=$((fail + 1))
    elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$TMP/out"; then
        echo "FAIL $name: output lacks: $pattern"; sed 's/^/    /' "$TMP/out" | head -20
        fail=$((fail + 1))
    else
        echo "ok   $name"
        pass=$((pass + 1))
    fi
}

check usage-no-command 2 "usage: healthplan" -- "$HP"
check usage-unknown-command 2 "unknown command \"frobnicate\"" -- "$HP" frobnicate
check usage-bad-format 2 "takes table, csv or json" -- "$HP" targets --format xml
check usage-missing-value 2 "option --plan needs a value" -- "$HP" targets --plan
check help 0 "parse-target PHRASE" -- "$HP" --help
check version 0 "healthplan 0." -- "$HP" --version
check datasets 0 "yiyang-14fyp" -- "$HP" datasets
check datasets-json 0 "\"plan\": \"hengyang-2030\"" -- "$HP" datasets --format json
check targets-13fyp 0 "oop_health_spending_share" -- "$HP" targets --plan yiyang-13fyp
check targets-csv 0 "yiyang-13fyp,9,430900,gps_per_10k,2020" -- "$HP" targets --plan yiyang-13fyp --format csv
check targets-json 0 "\"as_printed\": \"≤6.5\"" -- "$HP" targets --plan yiyang-13fyp --format json
check targets-unknown-plan 1 "did you mean \"yiyang-13fyp\"" -- "$HP" targets --plan yiyang-13fy
check parse-target 0 "\"kind\":\"change_from\",\"value\":-0.3,\"ref_year\":2015" -- "$HP" parse-target "比2015年降低30%" --format json
check parse-target-bad 1 "<phrase>:1:4: error" -- "$HP" parse-target "≤1８x"

# evaluate, compare, audit on the built-in data
check evaluate-13fyp 0 "yiyang-13fyp: 10 targets: 10 achieved" -- "$HP" evaluate --plan yiyang-13fyp
check evaluate-csv 0 "yiyang-13fyp,3,430900,infant_mortality,2020,.*,expected,≤6.5,2020,2.82,6.5,2020,2.82,achieved,-3.68,0,,,,achieved,2.82 meets ≤ 6.5 in 2020" -- "$HP" evaluate --plan yiyang-13fyp --format csv
check evaluate-json 0 "\"status\": \"achieved\"" -- "$HP" evaluate --plan yiyang-13fyp --format json
check evaluate-myopia 0 "target 46.1 − 5 × 0.5 = 43.6" -- "$HP" evaluate --plan yiyang-14fyp --indicator child_myopia_rate --format csv
check evaluate-as-of 0 "not_achieved" -- "$HP" evaluate --plan yiyang-14fyp --as-of 2025 --format csv
check evaluate-method 0 "(unsd)" -- "$HP" evaluate "$DATA/eval.json" --plan p20 --method unsd
check evaluate-bad-method 2 "unknown" -- "$HP" evaluate --method linear
check evaluate-bad-year 2 "takes a year" -- "$HP" evaluate --as-of 20x5
check evaluate-threads 0 "yiyang-13fyp: 10 targets: 10 achieved" -- "$HP" evaluate --plan yiyang-13fyp --threads 2
check evaluate-bad-threads 2 "takes a number from 1 to 64" -- "$HP" evaluate --threads 0
check evaluate-unknown-plan 1 "did you mean \"hengyang-2030\"" -- "$HP" evaluate --plan hengyang-2031
check compare 0 "infant_mortality,430900,2020,2.82,1,yiyang-13fyp,3,2020,6.5,achieved" -- "$HP" compare --regions 430900,430400,430000,CN --year 2020 --format csv
check compare-table 0 "益阳市 430900" -- "$HP" compare --regions 430900,430400
check compare-no-regions 2 "compare needs --regions" -- "$HP" compare
check compare-bad-region 1 "unknown region \"43090\"" -- "$HP" compare --regions 43090
check audit 0 "30117 / 3851564 × 1000 = 7.8194, which rounds to 7.82" -- "$HP" audit
check audit-unit 0 "prints the unit of infant_mortality as \"%\"" -- "$HP" audit --plan yiyang-13fyp
check audit-conflict 0 "hengyang-2030/10-2030 asks \"≥3.2\" but hengyang-2030/t25" -- "$HP" audit --plan hengyang-2030
check audit-json 0 "\"kind\": \"conflict\"" -- "$HP" audit --plan hengyang-2030 --format json

check rollup 0 "C1,beds_per_1000,2020,3,derived,rollup: beds / population × 1000" -- "$HP" rollup "$DATA/rollup.json"

# validate: a good pair of files, then located errors with exit 1
cat >"$TMP/obs.csv" <<'CSV'
REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS
430900,infant_mortality,2021,2.7,P
430400,beds_per_1000,2020,7.1,E
CSV
check validate-ok 0 "1 file valid" -- "$HP" validate --with-builtin "$TMP/obs.csv"
cat >"$TMP/bad.csv" <<'CSV'
REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE
430900,infant_mortalty,2021,2.7
CSV
check validate-unknown-indicator 1 "bad.csv:2:8: error: INDICATOR: unknown indicator \"infant_mortalty\" (did you mean \"infant_mortality\"?)" -- "$HP" validate --with-builtin "$TMP/bad.csv"
printf '{"format": "healthplan/1",\n "regions": [{"code": "CN", "nmae_en": "China"}]}\n' >"$TMP/warn.json"
check validate-warning 0 "warn.json:2:29: warning: unknown key \"nmae_en\"" -- "$HP" validate "$TMP/warn.json"
check validate-strict 1 "warn.json:2:29: error: unknown key" -- "$HP" validate --strict "$TMP/warn.json"
printf '{"format": "healthplan/1", "regions": [{"code": "CN"' >"$TMP/trunc.json"
check validate-truncated 1 "trunc.json:1:40: error: \"{\" is never closed" -- "$HP" validate "$TMP/trunc.json"
check validate-missing-file 1 "cannot open" -- "$HP" validate "$TMP/nope.json"
check validate-no-file 2 "validate needs at least one FILE" -- "$HP" validate

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
