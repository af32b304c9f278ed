#!/usr/bin/python3
"""Waits until the other processes leave the cores alone, or gives up.

Called between measurements, when none of the benchmark's processes run:
any busy CPU is someone else's. Waits until the machine was busy less than
--max-cores on average over --window seconds, at most --timeout seconds,
and prints what it saw as JSON (the runner keeps it with the measurement).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cpu_use import machine_busy_seconds  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-cores", type=float, default=0.3)
    parser.add_argument("--window", type=float, default=2.0)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()

    start = time.monotonic()
    while True:
        before = machine_busy_seconds()
        time.sleep(args.window)
        busy_cores = (machine_busy_seconds() - before) / args.window
        waited = time.monotonic() - start
        quiet = busy_cores <= args.max_cores
        if quiet or waited >= args.timeout:
            print(json.dumps({"quiet": quiet, "busy_cores_before": busy_cores, "waited_seconds": waited}))
            return


if __name__ == "__main__":
    main()
