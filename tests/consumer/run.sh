#!/bin/sh
# Build and run a program outside the tree against a staged install, through pkg-config and
# through CMake's find_package(healthplan).
# usage: run.sh BUILD_DIR WORK_DIR CMAKE
set -eu
BUILD=$1
WORK=$2
CMAKE=$3
# a sanitizer build (HP_SANITIZE) installs libraries that need the sanitizer runtime: the
# programs are then built with the same -fsanitize flags (set by tests/CMakeLists.txt)
FLAGS=${HP_CONSUMER_CFLAGS:-}
rm -rf "$WORK"
mkdir -p "$WORK/src"
"$CMAKE" --install "$BUILD" --prefix "$WORK/prefix" >/dev/null
PC_DIR=$(dirname "$(find "$WORK/prefix" -name healthplan.pc | head -n 1)")
LIB_DIR=$(dirname "$(find "$WORK/prefix" -name 'libhealthplan.so' | head -n 1)")

cat >"$WORK/src/prog.c" <<'C'
#include <stdio.h>
#include <healthplan.h>
int main(void)
{
    hp_dataset *ds;
    if (hp_dataset_builtin(&ds) != HP_OK) {
        fprintf(stderr, "%s\n", hp_error_last()->message);
        return 1;
    }
    const hp_plan *p;
    if (hp_dataset_find_plan(ds, "yiyang-13fyp", &p) != HP_OK)
        return 1;
    printf("healthplan %s: %s has %zu targets\n", hp_version(), hp_plan_id(p), hp_plan_target_count(p));
    hp_dataset_free(ds);
    return 0;
}
C

# 1. plain cc through pkg-config (the .pc is relocatable: no prefix is patched)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror $FLAGS "$WORK/src/prog.c" -o "$WORK/prog-pc" \
    $(PKG_CONFIG_PATH="$PC_DIR" pkg-config --cflags --libs healthplan)
out=$(LD_LIBRARY_PATH="$LIB_DIR" "$WORK/prog-pc")
echo "pkg-config: $out"
echo "$out" | grep -q "yiyang-13fyp has 10 targets"

# 2. static linking through pkg-config --static
# shellcheck disable=SC2046
cc -std=c11 $FLAGS "$WORK/src/prog.c" -o "$WORK/prog-static" \
    $(PKG_CONFIG_PATH="$PC_DIR" pkg-config --cflags healthplan) "$LIB_DIR/libhealthplan.a" \
    $(PKG_CONFIG_PATH="$PC_DIR" pkg-config --static --libs-only-l healthplan | sed 's/-lhealthplan//')
"$WORK/prog-static" | grep -q "yiyang-13fyp has 10 targets"
echo "static: ok"

# 3. a three-line CMakeLists with find_package
mkdir -p "$WORK/cmake-consumer"
cp "$WORK/src/prog.c" "$WORK/cmake-consumer/prog.c"
cat >"$WORK/cmake-consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(healthplan REQUIRED)
add_executable(prog prog.c)
target_link_libraries(prog PRIVATE healthplan::healthplan)
CM
"$CMAKE" -S "$WORK/cmake-consumer" -B "$WORK/cmake-build" -DCMAKE_PREFIX_PATH="$WORK/prefix" \
    -DCMAKE_C_FLAGS="$FLAGS" >/dev/null
"$CMAKE" --build "$WORK/cmake-build" >/dev/null
out=$("$WORK/cmake-build/prog")
echo "find_package: $out"
echo "$out" | grep -q "yiyang-13fyp has 10 targets"

# the data files are installed for people to read
test -f "$WORK/prefix/share/healthplan/yiyang-14fyp.json"
echo "3 passed, 0 failed"
