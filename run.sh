#!/usr/bin/env bash
# One entry point for people and CI: installs what is missing (Debian packages), builds, and
# runs the demo or the tests.
#   bash run.sh demo     evaluate the built-in Yiyang and Hengyang plans and print the results
#   bash run.sh test     build with warnings as errors and run every test, then run them all
#                        again under ASan+UBSan (sanitize) and the thread test under TSan (tsan)
#   bash run.sh sanitize the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer
#                        (its own build directory, build-asan)
#   bash run.sh tsan     the thread test under ThreadSanitizer (build-tsan)
#   bash run.sh deps     only install the Debian packages
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config libcjson-dev libutf8proc-dev libcriterion-dev locales
          doxygen swig python3-dev python3-numpy python3-pandas python3-pytest
          python3-matplotlib python3-jsonschema)
BUILD=${HP_BUILD_DIR:-build}

deps() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The tests check that numbers ignore a German LC_NUMERIC ("7,82"): make that locale exist.
german_locale() {
    locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$' && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo localedef -i de_DE -f UTF-8 de_DE.UTF-8 2>/dev/null || echo "note: could not generate de_DE.UTF-8; the locale tests will be skipped"
}

build() {
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$BUILD" -j "$(nproc)" >/dev/null
}

# Every test again with AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer; any
# report fails the test (docs/reliability.md).
sanitize() {
    local dir=${HP_ASAN_BUILD_DIR:-build-asan}
    echo "== Tests under AddressSanitizer + UndefinedBehaviorSanitizer ($dir)"
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHP_SANITIZE=address,undefined \
        -DHP_BUILD_PYTHON=OFF -DHP_WERROR=ON >/dev/null
    cmake --build "$dir" -j "$(nproc)" >/dev/null
    # perf_reference_pandas is left out: its data generator (bench/gen.c, not the library)
    # writes wrong years when gcc 12 builds it with -fsanitize=object-size at -O2 (clang and
    # every other sanitizer give the right data); see docs/reliability.md
    ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" -E '^perf_reference_pandas$'
}

# The thread test (tests/test_threads.c) under ThreadSanitizer. Criterion's runner cannot start
# under TSan, so that test has its own main() in this build.
tsan() {
    local dir=${HP_TSAN_BUILD_DIR:-build-tsan}
    echo "== Thread test under ThreadSanitizer ($dir)"
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHP_SANITIZE=thread \
        -DHP_BUILD_PYTHON=OFF -DHP_WERROR=ON >/dev/null
    cmake --build "$dir" -j "$(nproc)" --target test_threads >/dev/null
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/sanitizers/tsan.supp" \
        "$dir/tests/test_threads"
}

case "${1:-}" in
deps)
    deps
    ;;
demo)
    deps
    build
    hp="$BUILD/healthplan"
    for plan in yiyang-13fyp yiyang-14fyp hengyang-2030; do
        echo
        echo "== Evaluating $plan (built-in data from the plans themselves)"
        "$hp" evaluate --plan "$plan"
    done
    echo
    echo "== Yiyang (益阳) vs Hengyang (衡阳) vs Hunan vs China, values up to 2020"
    "$hp" compare --regions 430900,430400,430000,CN --year 2020
    echo
    echo "== Audit of the plans' own numbers"
    "$hp" audit
    ;;
test)
    deps
    german_locale
    build -DHP_WERROR=ON -DHP_BUILD_DOCS=ON
    ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)"
    sanitize
    tsan
    ;;
sanitize)
    deps
    german_locale
    sanitize
    ;;
tsan)
    deps
    tsan
    ;;
*)
    echo "usage: bash run.sh demo|test|sanitize|tsan|deps" >&2
    exit 2
    ;;
esac
