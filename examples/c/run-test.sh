#!/bin/sh
# ctest: stage an install of the build tree, build compare_cities with its Makefile through
# pkg-config, run it and check what it prints.
# usage: run-test.sh BUILD_DIR WORK_DIR CMAKE EXAMPLE_SRC_DIR [MAKE]
set -eu
BUILD=$1
WORK=$2
CMAKE=$3
SRC=$4
MAKE=${5:-make}
rm -rf "$WORK"
mkdir -p "$WORK/src"
"$CMAKE" --install "$BUILD" --prefix "$WORK/prefix" >/dev/null
PC_DIR=$(dirname "$(find "$WORK/prefix" -name healthplan.pc | head -n 1)")
cp "$SRC/compare_cities.c" "$SRC/Makefile" "$WORK/src/"
"$MAKE" -s -C "$WORK/src" PKG_CONFIG_PATH="$PC_DIR" CFLAGS="-O2 -Werror" >/dev/null
out=$("$MAKE" -s -C "$WORK/src" PKG_CONFIG_PATH="$PC_DIR" run)
printf '%s\n' "$out" | head -n 12
check() {
    printf '%s\n' "$out" | grep -Eq "$1" || { echo "FAIL: output lacks /$1/" >&2; exit 1; }
}
check '^infant_mortality \(婴儿死亡率, permille\)$'
check '^  Yiyang +2\.82 \(2020\) +yiyang-13fyp/3 +≤ 6\.5 by 2020 +achieved$'
check '^  Hengyang +- +hengyang-2030/2-2020 +improve on baseline by 2020 +no_data$'
check '^[0-9]+ indicators targeted by both cities$'
check '^yiyang-13fyp +10 targets: 10 achieved$'
check '^hengyang-2030 +[0-9]+ targets:'
echo "compare_cities: ok"
