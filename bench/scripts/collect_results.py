#!/usr/bin/python3
"""Gathers one benchmark run's measurements into a results file.

Reads what bench/run.sh left in its work directory:
  bare-<mesh>-<n>.json             apiary-bench-train's result of repeat n (one timed repeat)
  server-<mesh>-r<R>-<n>.json      server_throughput.py's result of repeat n, run right after bare n
  server-<mesh>-r<R>-<n>.failed    why that run gave no number
  sizing-<mesh>-r<R>               the --set values of every server run (from bare 1)
  <measurement>.quiet              wait_for_quiet.py's view of the cores just before it
  <measurement>.cpu                measure_cpu.py's: the cores other processes took during it
  <measurement>.attempts           tries it took (a disturbed one is tried again)
and writes, per mesh: the bare repeats and their median; per R the server
repeats, their median, the paired ratios server n / bare n and their median
(the reported ratio); and the machine's description, as JSON.
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


def machine():
    """The machine a results file was measured on."""
    return {"nproc": len(os.sched_getaffinity(0)), "cpu_model": cpu_model(), "memory_gib": memory_gib(),
            "kernel": platform.release(), "load_average_at_end": load_average(pathlib.Path("/proc/loadavg"))}


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


def repeat_number(path):
    """n of bare-<mesh>-<n>.json or server-<mesh>-r<R>-<n>.json."""
    return int(path.stem.rsplit("-", 1)[1])


def bare_result(work, mesh):
    """Every bare repeat of a mesh: one apiary-bench-train process each."""
    runs, program = [], {}
    for path in sorted(work.glob(f"bare-{mesh}-*.json"), key=repeat_number):
        run = json.loads(path.read_text())
        timed = run.pop("repeats")
        if len(timed) != 1:
            raise SystemExit(f"{path}: {len(timed)} timed repeats, run.sh asks for 1")
        run.pop("median_samples_per_s")
        if not program:
            # What the program ran (model, batch, threads, BLAS): the same in every repeat.
            program = run
        runs.append({"n": repeat_number(path), **timed[0], "cpu": conditions(work, path.stem)})
    if not runs:
        raise SystemExit(f"{work}: no bare-{mesh}-<n>.json")
    return {"program": program,
            "median_samples_per_s": statistics.median(r["samples_per_s"] for r in runs),
            "repeats": runs}


def server_result(work, mesh, ranks, bare):
    runs, failures = [], []
    for path in work.glob(f"server-{mesh}-r{ranks}-*"):
        if path.suffix == ".json":
            run = json.loads(path.read_text())
            runs.append({"n": repeat_number(path), **run, "cpu": conditions(work, path.stem)})
        elif path.suffix == ".failed":
            failures.append({"n": repeat_number(path), "reason": path.read_text().strip()})
    runs.sort(key=lambda r: r["n"])
    failures.sort(key=lambda f: f["n"])
    sizing = work / f"sizing-{mesh}-r{ranks}"
    if not runs:
        not_available = any("server.ranks" in f["reason"] for f in failures)
        return {"status": "not available" if not_available else "failed",
                "reason": failures[0]["reason"] if failures else "not run"}
    # Each server run over the bare run measured just before it: the
    # machine's speed drifts over minutes, much less within one pair.
    bare_by_n = {r["n"]: r["samples_per_s"] for r in bare["repeats"]}
    pairs = [{"n": r["n"], "server_samples_per_s": r["median_samples_per_s"],
              "bare_samples_per_s": bare_by_n[r["n"]],
              "ratio": r["median_samples_per_s"] / bare_by_n[r["n"]]}
             for r in runs if r["n"] in bare_by_n]
    result = {"status": "ok" if not failures else "partial",
              "sizing": sizing.read_text().split() if sizing.exists() else None,
              "median_samples_per_s": statistics.median(r["median_samples_per_s"] for r in runs),
              "repeats": runs, "failures": failures,
              "paired_ratios": pairs}
    if pairs:
        result["median_paired_ratio"] = statistics.median(p["ratio"] for p in pairs)
    return result


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
        bare = bare_result(args.work, mesh)
        entry = {"mesh": mesh, "outputs": bare["program"]["outputs"], "bare": bare, "server": {}}
        for ranks in args.ranks:
            entry["server"][str(ranks)] = server_result(args.work, mesh, ranks, bare)
        results.append(entry)

    document = {
        "benchmark": "training throughput: server vs bare libtorch loop",
        "method": "paired: for each repeat n, bare loop n then server runs n (R = 1, 2) right after it; "
                  "the ratio for R is the median over n of server n / bare n",
        "mode": args.mode,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "source": args.source,
        "note": args.note,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
