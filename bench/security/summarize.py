#!/usr/bin/python3
"""Results of bench/security/run.sh: what CURVE costs, as paired ratios
curve / none, in JSON and a markdown table.

  summarize.py WORK --repeats N --out FILE [--mode full|smoke] [--note TEXT]
               [--source TEXT] [--doc docs/benchmarks.md]

WORK holds, for each pair n and security s (curve, none): demo-s-n/ (an
`apiary run` directory), ingest-s-n.json (apiary-bench-ingest), and for each
of them .cpu (bench/scripts/measure_cpu.py) and .quiet
(bench/scripts/wait_for_quiet.py).
"""
import argparse
import datetime
import json
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
from collect_results import conditions, machine  # noqa: E402
from doc_section import replace_section  # noqa: E402

SECTION = "bench/security/summarize.py"  # its block in docs/benchmarks.md
SETTINGS = ("curve", "none")


def read_json(path):
    return json.loads(path.read_text()) if path.exists() else None


def demo_run(work, name):
    summary = read_json(work / name / "summary.json")
    run = {"conditions": conditions(work, name)}
    if summary is None:
        return {**run, "failed": True}
    return {**run, "samples_per_s": summary["samples_per_second"], "wall_seconds": summary["wall_seconds"],
            "validation_rel_l2": summary["validation_rel_l2"], "samples_trained": summary["samples_trained"],
            "time_steps_received": summary["time_steps_received"],
            "time_steps_expected": summary["time_steps_expected"],
            "connections_refused": summary.get("connections_refused", {})}


def ingest_run(work, name):
    result = read_json(work / (name + ".json"))
    run = {"conditions": conditions(work, name)}
    if result is None:
        return {**run, "failed": True}
    return {**run, "gb_per_s": result["steady"]["gb_per_s"], "messages_per_s": result["steady"]["messages_per_s"],
            "receiver_cpu_seconds": result["receiver"]["cpu"]["receiver"]["cpu_seconds"],
            "bytes": result["receiver"]["bytes"]}


def ratios(runs, key, repeats):
    """curve / none of each pair that has both."""
    pairs = []
    for n in range(1, repeats + 1):
        curve, none = runs["curve"].get(n, {}), runs["none"].get(n, {})
        if curve.get(key) and none.get(key):
            pairs.append(curve[key] / none[key])
    return pairs


def stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)} if values else None


def table(results):
    s = results["summary"]
    lines = ["| measurement | curve | none | curve / none, median (pairs) |", "| --- | --- | --- | --- |"]
    for key, label, unit, fmt in (("demo", "demo (heat, 100x100, a fifth), trained samples/s", "samples_per_s", "{:,.0f}"),
                                  ("ingest", "ingest, 4 clients x 1 MB fields, GB/s", "gb_per_s", "{:.2f}")):
        m = s[key]
        if m["ratio"] is None:
            lines.append(f"| {label} | failed | failed | - |")
            continue
        pairs = ", ".join(f"{r:.3f}" for r in m["pairs"])
        lines.append(f"| {label} | {fmt.format(m['curve'])} | {fmt.format(m['none'])} | "
                     f"**{m['ratio']['median']:.3f}** ({pairs}) |")
    lines.append("")
    lines.append(f"{results['mode']} run of {results['date']}, {results['machine']['cpu_model']}, "
                 f"{results['machine']['nproc']} cores; source {results['source']}; "
                 f"{results['repeats']} pairs, order alternating. Numbers: medians over the pairs.")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("work", type=pathlib.Path)
    parser.add_argument("--repeats", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", default="full")
    parser.add_argument("--note", default="")
    parser.add_argument("--source", default="")
    parser.add_argument("--doc", type=pathlib.Path, help="also rewrite the table's block in this document")
    args = parser.parse_args()

    runs = {"demo": {s: {} for s in SETTINGS}, "ingest": {s: {} for s in SETTINGS}}
    for n in range(1, args.repeats + 1):
        for s in SETTINGS:
            runs["demo"][s][n] = demo_run(args.work, f"demo-{s}-{n}")
            runs["ingest"][s][n] = ingest_run(args.work, f"ingest-{s}-{n}")

    summary = {}
    for key, unit in (("demo", "samples_per_s"), ("ingest", "gb_per_s")):
        pairs = ratios(runs[key], unit, args.repeats)
        medians = {s: statistics.median([r[unit] for r in runs[key][s].values() if unit in r] or [0]) for s in SETTINGS}
        summary[key] = {"unit": unit, **medians, "pairs": pairs, "ratio": stats(pairs)}
    results = {"mode": args.mode, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "machine": machine(), "source": args.source, "note": args.note, "repeats": args.repeats,
               "summary": summary, "runs": runs}
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    print(table(results))
    if args.doc:
        replace_section(args.doc, SECTION, table(results))
    if any(m["ratio"] is None for m in summary.values()):
        sys.exit("summarize.py: a measurement has no complete pair")


if __name__ == "__main__":
    main()
