#!/usr/bin/python3
"""Gathers one benchmark run's measurements into a results file.

Reads what bench/run.sh left in its work directory:
  bare-<mesh>.json                 apiary-bench-train's result
  server-<mesh>-r<R>-<n>.json      server_throughput.py's result of repeat n
  server-<mesh>-r<R>-<n>.failed    why that run gave no number
  <measurement>.quiet              wait_for_quiet.py's view of the cores just before it
  <measurement>.cpu                measure_cpu.py's: the cores other processes took during it
  <measurement>.attempts           tries it took (a disturbed one is tried again)
and writes medians, ratios and the machine's description as JSON.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import statistics


def cpu_model():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib():
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    return None


def load_average(path):
    return [float(x) for x in path.read_text().split()[:3]] if path.exists() else None


def conditions(work, name):
    """What else ran on the cores before and during one measurement."""
    result = {}
    for suffix, key in ((".quiet", "before"), (".cpu", "during")):
        path = work / (name + suffix)
        if path.exists():
            result[key] = json.loads(path.read_text())
    attempts = work / (name + ".attempts")
    if attempts.exists():
        result["attempts"] = int(attempts.read_text())
    return result


def server_result(work, mesh, ranks):
    runs, failures = [], []
    for path in sorted(work.glob(f"server-{mesh}-r{ranks}-*")):
        if path.suffix == ".json":
            run = json.loads(path.read_text())
            run["cpu"] = conditions(work, path.stem)
            runs.append(run)
        elif path.suffix == ".failed":
            failures.append(path.read_text().strip())
    if not runs:
        not_available = any("server.ranks" in f for f in failures)
        return {"status": "not available" if not_available else "failed",
                "reason": failures[0] if failures else "not run"}
    return {"status": "ok" if not failures else "partial",
            "median_samples_per_s": statistics.median(r["median_samples_per_s"] for r in runs),
            "repeats": runs, "failures": failures}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("work", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--mode", choices=["full", "smoke"], required=True)
    parser.add_argument("--meshes", nargs="+", required=True, help="e.g. 100x100 500x500")
    parser.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--source", default="", help="what was built: commit, state of the tree")
    parser.add_argument("--note", default="", help="free text kept with the results")
    args = parser.parse_args()

    results = []
    for mesh in args.meshes:
        bare = json.loads((args.work / f"bare-{mesh}.json").read_text())
        bare["cpu"] = conditions(args.work, f"bare-{mesh}")
        entry = {"mesh": mesh, "outputs": bare["outputs"], "bare": bare, "server": {}}
        for ranks in args.ranks:
            server = server_result(args.work, mesh, ranks)
            if "median_samples_per_s" in server:
                server["ratio_to_bare"] = server["median_samples_per_s"] / bare["median_samples_per_s"]
            entry["server"][str(ranks)] = server
        results.append(entry)

    document = {
        "benchmark": "training throughput: server vs bare libtorch loop",
        "mode": args.mode,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"nproc": len(os.sched_getaffinity(0)), "cpu_model": cpu_model(), "memory_gib": memory_gib(),
                    "kernel": platform.release(), "load_average_at_end": load_average(pathlib.Path("/proc/loadavg"))},
        "source": args.source,
        "note": args.note,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
