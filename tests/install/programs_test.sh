#!/bin/sh
# programs_test.sh BUILD_DIR: installs everything into a fresh prefix and
# checks that the installed programs load their libraries from where they
# should: the heat example the installed client library, the server the
# OpenMP OpenBLAS (cmake/ApiaryOptions.cmake, apiary_use_openblas) and no
# library of the build tree.
set -eu
build_dir=$(realpath "$1")
openblas_dir=$2
prefix=$build_dir/install-programs-test/prefix
rm -rf "$build_dir/install-programs-test"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null

fail() { echo "programs_test: $*"; exit 1; }
for program in apiary apiary-server apiary-heat; do
  [ -x "$prefix/bin/$program" ] || fail "$program is not installed in $prefix/bin"
  if ldd "$prefix/bin/$program" | grep -q "not found"; then
    ldd "$prefix/bin/$program"; fail "$program misses a library"
  fi
  if ldd "$prefix/bin/$program" | grep -q "$build_dir/lib"; then
    ldd "$prefix/bin/$program"; fail "$program loads a library of the build tree"
  fi
done
heat_client=$(ldd "$prefix/bin/apiary-heat" | awk '/libapiary-client/ {print $3}')
case $heat_client in
  "$prefix"/*) ;;
  *) fail "apiary-heat loads libapiary-client from '$heat_client', not from $prefix" ;;
esac
if [ -e "$openblas_dir/libblas.so.3" ]; then
  blas=$(ldd "$prefix/bin/apiary-server" | awk '/libblas.so.3/ {print $3}')
  [ "$(dirname "$blas")" = "$openblas_dir" ] || fail "apiary-server loads libblas.so.3 from '$blas', not $openblas_dir"
fi
echo "programs_test: apiary, apiary-server and apiary-heat installed in $prefix load their libraries"
