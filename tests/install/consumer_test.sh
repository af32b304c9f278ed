#!/bin/sh
# consumer_test.sh BUILD_DIR: installs the client component of BUILD_DIR
# into a fresh prefix, then builds and runs, against that prefix only, a C
# and a C++ consumer with CMake (find_package(apiary)) and the C consumer
# with pkg-config (apiary-client.pc). Each must link, load the installed
# library and get a clear status from it.
set -eu
build_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$build_dir/install-test
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"

cmake --install "$build_dir" --prefix "$prefix" --component client >"$work/install.log"

# No build-tree path may leak into a consumer: the prefix is all it gets.
run() {
  name=$1
  shift
  "$@" >"$work/$name.out" 2>&1 || { cat "$work/$name.out"; echo "consumer_test: $name failed"; exit 1; }
  cat "$work/$name.out"
}
for consumer in c_consumer cpp_consumer; do
  run "$consumer-configure" cmake -S "$here/$consumer" -B "$work/$consumer" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Release
  run "$consumer-build" cmake --build "$work/$consumer"
  run "$consumer-run" env -u APIARY_SERVER "$work/$consumer/$consumer"
  if ldd "$work/$consumer/$consumer" | grep libapiary-client | grep -v -q "$prefix"; then
    echo "consumer_test: $consumer loads a libapiary-client outside $prefix"; exit 1
  fi
done

pc_dir=$(dirname "$(find "$prefix" -name apiary-client.pc)")
export PKG_CONFIG_PATH="$pc_dir"
cflags=$(pkg-config --cflags apiary-client)
libs=$(pkg-config --libs apiary-client)
libdir=$(pkg-config --variable=libdir apiary-client)
# shellcheck disable=SC2086 # the flags are words
run pkg-config-build cc -std=c11 -Wall -Werror $cflags "$here/c_consumer/consumer.c" -o "$work/c_consumer_pc" $libs
run pkg-config-run env -u APIARY_SERVER LD_LIBRARY_PATH="$libdir" "$work/c_consumer_pc"
echo "consumer_test: the installed prefix $prefix serves CMake and pkg-config consumers"
