#!/bin/sh
# Started by the launcher in place of apiary-server: bench/reference/run.sh
# links it as apiary-server beside a copy of the launcher, so that `apiary
# run` starts the Python reference server with Apiary's command line
# (--study, --plan, --run-dir). Debian's Python (the first python3 on PATH
# may lack torch and zmq), with the allocator settings Apiary's server
# gives itself with mallopt (M_MMAP_MAX 0, M_TRIM_THRESHOLD max): the
# comparison is between the two designs, not between two malloc tunings.
here=$(dirname "$(readlink -f "$0")")
exec env GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=2147483647 \
  /usr/bin/python3 "$here/reference_server.py" "$@"
