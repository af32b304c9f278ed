#!/usr/bin/python3
"""Gathers bench/ingest/run.sh's measurements into a results file and
prints the table (markdown) for docs/benchmarks.md.

Reads from the work directory:
  memcpy.json                     apiary-bench-ingest --mode memcpy
  raw-<values>-c<clients>-<n>.json, apiary-<values>-c<clients>-<n>.json
                                  repeat n of each mode (apiary n ran right after raw n)
  <name>.failed                   why a measurement gave no number
  <name>.cpu                      measure_cpu.py: the cores other processes took during it
Writes, per field size and client count: each mode's repeats (steady-window
GB/s and messages/s, the receiver's CPU per GB) and medians, the
paired ratios apiary n / raw n and their median. Exits 1 if a measurement
failed (after writing what there is).
"""
import argparse
import datetime
import json
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
from collect_results import machine  # noqa: E402
from doc_section import replace_section  # noqa: E402

SECTION = "bench/ingest/collect.py"  # its block in docs/benchmarks.md


def read_json(path):
    return json.loads(path.read_text()) if path.exists() else None


def repeat(work, name):
    """One measurement: its steady-window rates, CPU per GB, and conditions."""
    result = read_json(work / (name + ".json"))
    if result is None:
        failed = work / (name + ".failed")
        return {"failed": failed.read_text().strip() if failed.exists() else "no result"}
    gigabytes = result["messages"] * result["message_bytes"] / 1e9
    cpu = result["receiver"]["cpu"]
    others = read_json(work / (name + ".cpu"))
    return {
        "gb_per_s": result["steady"]["gb_per_s"],
        "messages_per_s": result["steady"]["messages_per_s"],
        "steady_seconds": result["steady"]["seconds"],
        "start_spread_seconds": result["start_spread_seconds"],
        "messages": result["messages"],
        # The receiving process's CPU, start to end, per GB received: less
        # sensitive to other processes than a rate. (The clients' own CPU is
        # in "program"; their start-up, MPI_Init included, weighs on it.)
        "receiver_cpu_s_per_gb": cpu["receiver"]["cpu_seconds"] / gigabytes,
        "receiver_faults_per_message": cpu["receiver"]["minor_faults"] / result["messages"],
        "others_cores": others["others_cores"] if others else None,
        "program": result,
    }


def median_of(repeats, key):
    values = [r[key] for r in repeats if "failed" not in r]
    return statistics.median(values) if values else None


def configuration(work, values, clients, repeats):
    entry = {"values": values, "field_bytes": values * 4, "clients": clients}
    for mode in ("raw", "apiary"):
        runs = [dict(repeat(work, f"{mode}-{values}-c{clients}-{n}"), n=n) for n in range(1, repeats + 1)]
        entry[mode] = {"repeats": runs}
        for key in ("gb_per_s", "messages_per_s", "receiver_cpu_s_per_gb"):
            entry[mode]["median_" + key] = median_of(runs, key)
    # Paired: apiary n ran right after raw n, on the same machine state.
    paired = [a["gb_per_s"] / r["gb_per_s"] for r, a in zip(entry["raw"]["repeats"], entry["apiary"]["repeats"])
              if "failed" not in r and "failed" not in a and r["gb_per_s"] > 0]
    entry["ratio"] = {"paired": paired, "median": statistics.median(paired) if paired else None}
    return entry


def size_text(field_bytes):
    return f"{field_bytes / 1e3:.0f} KB" if field_bytes < 1e6 else f"{field_bytes / 2**20:.0f} MB"


def number(value, digits=2):
    return "failed" if value is None else f"{value:,.{digits}f}"


def table(results):
    memcpy = results["memcpy"]["median_gb_per_s"] if results["memcpy"] else None
    lines = ["| field | clients | raw ZeroMQ GB/s | raw messages/s | apiary GB/s | apiary messages/s "
             "| apiary / raw (paired ratios) | memcpy GB/s | receiver CPU s/GB, raw / apiary |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for e in results["results"]:
        raw, apiary, ratio = e["raw"], e["apiary"], e["ratio"]
        pairs = ", ".join(f"{r:.2f}" for r in ratio["paired"])
        lines.append(f"| {size_text(e['field_bytes'])} ({e['values']:,} float32) | {e['clients']} "
                     f"| {number(raw['median_gb_per_s'])} | {number(raw['median_messages_per_s'], 0)} "
                     f"| {number(apiary['median_gb_per_s'])} | {number(apiary['median_messages_per_s'], 0)} "
                     f"| {number(ratio['median'])} ({pairs}) | {number(memcpy)} "
                     f"| {number(raw['median_receiver_cpu_s_per_gb'])} "
                     f"/ {number(apiary['median_receiver_cpu_s_per_gb'])} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("work", type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--mode", required=True)
    parser.add_argument("--values", nargs="+", type=int, required=True)
    parser.add_argument("--clients", nargs="+", type=int, required=True)
    parser.add_argument("--repeats", type=int, required=True)
    parser.add_argument("--source", default="")
    parser.add_argument("--note", default="")
    parser.add_argument("--doc", type=pathlib.Path, help="also rewrite the table's block in this document")
    args = parser.parse_args()

    memcpy = read_json(args.work / "memcpy.json")
    results = {
        "benchmark": "ingest throughput: the server's reception vs bare ZeroMQ PUSH/PULL vs memcpy",
        "method": "paired: for each field size, client count and repeat n, raw n (bare ZeroMQ) then apiary n "
                  "(Receiver, Ingest, FIFO buffer, drained) right after it; rates over the steady window "
                  "(every client streaming); the ratio is the median over n of apiary n / raw n",
        "mode": args.mode,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "source": args.source,
        "note": args.note,
        "memcpy": memcpy,
        "results": [configuration(args.work, v, c, args.repeats) for v in args.values for c in args.clients],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    if args.doc:
        replace_section(args.doc, SECTION, table(results))
    failed = sorted(p.stem for p in args.work.glob("*.failed"))
    if memcpy is None or failed:
        print(f"failed measurements: {', '.join(failed) or 'memcpy'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
