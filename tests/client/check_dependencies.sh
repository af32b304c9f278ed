#!/bin/sh
# check_dependencies.sh BINARY REQUIRED FORBIDDEN
# Passes when the shared libraries BINARY loads (ldd) include one matching
# REQUIRED and none matching FORBIDDEN (extended regular expressions).
# Only the libraries' names are matched: ldd's load addresses are random
# hex digits, and "c10" turned up in one (a false alarm).
set -eu
deps=$(ldd "$1" | awk '{print $1}')
if ! printf '%s\n' "$deps" | grep -q -E "$2"; then
  echo "$1 does not load $2:"; printf '%s\n' "$deps"; exit 1
fi
if printf '%s\n' "$deps" | grep -i -E "$3"; then
  echo "$1 loads libraries matching $3 (above)"; exit 1
fi
