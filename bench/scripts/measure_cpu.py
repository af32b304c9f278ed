#!/usr/bin/python3
"""Runs a command and reports how much CPU everything else used meanwhile.

The benchmark shares 2 cores with whatever else runs (builds, tests); a
libtorch process with 2 OpenMP threads slows down several-fold when a core
is taken. The command's own CPU time (every descendant it waited for:
launcher, server, clients) is subtracted from the machine's busy time over
the same interval; the rest, divided by the wall time, is the number of
cores other processes took. Writes it as JSON to --out and exits with the
command's status.

  measure_cpu.py --out M.json -- COMMAND ARGS...
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cpu_use import machine_busy_seconds  # noqa: E402


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    start, busy_start, own_start = time.monotonic(), machine_busy_seconds(), children_cpu_seconds()
    status = subprocess.call(command)
    wall = time.monotonic() - start
    own = children_cpu_seconds() - own_start
    busy = machine_busy_seconds() - busy_start
    with open(args.out, "w") as out:
        json.dump({"wall_seconds": wall, "own_cpu_seconds": own, "machine_busy_cpu_seconds": busy,
                   "others_cores": max(0.0, busy - own) / wall if wall > 0 else 0.0,
                   "own_cores": own / wall if wall > 0 else 0.0}, out)
    sys.exit(status)


if __name__ == "__main__":
    main()
