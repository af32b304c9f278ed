#!/usr/bin/python3
"""Results of bench/reference/run.sh: per run, then medians, as JSON and a
markdown table (bench/reference/README.md says what each number is).

  summarize.py WORK --target MSE --out FILE [--mode full|smoke] [--note TEXT]
               [--source TEXT] [--skip N] [--doc docs/benchmarks.md]

WORK holds the run directories <server>-<n> (server: apiary or reference)
that `apiary run` wrote, and beside each <server>-<n>.cpu from
bench/scripts/measure_cpu.py.
"""
import argparse
import datetime
import glob
import json
import os
import pathlib
import re
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
from doc_section import replace_section  # noqa: E402

SECTION = "bench/reference/summarize.py"  # its block in docs/benchmarks.md

SERVERS = {"apiary": "Apiary (apiary-server, C++)",
           "reference": "Python reference (reference_server.py, not Melissa)"}


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def read_json(path):
    with open(path) as f:
        return json.load(f)


def summarize_run(run_dir, target, skip):
    """Trained samples/s while the stream runs, time to the target, outcome."""
    run = {"run_dir": run_dir}
    # What other processes did: before the run (wait_for_quiet.py) and during it (measure_cpu.py).
    if os.path.exists(run_dir + ".quiet"):
        run["quiet_before"] = read_json(run_dir + ".quiet")["quiet"]
    if os.path.exists(run_dir + ".cpu"):
        run["others_cores"] = read_json(run_dir + ".cpu")["others_cores"]
    if not os.path.exists(os.path.join(run_dir, "summary.json")):
        run["failed"] = True
        return run
    summary = read_json(os.path.join(run_dir, "summary.json"))
    events = read_jsonl(os.path.join(run_dir, "metrics.jsonl"))
    # Steady state: the first windows hold the start of training; the last
    # ones, after the stream ended, the drain of the reservoir (no
    # reception to compete with). Both servers write these windows the
    # same way, every server.metrics_every batches.
    windows = [e for e in events if e["event"] == "train"][skip:]
    live = [e["samples_per_s"] for e in windows if e["received_samples_per_s"] > 0]
    validations = [(e["time"], e["validation_mse"]) for e in events if e["event"] == "validation"]
    reached = [t for t, mse in validations if mse <= target]
    run.update(
        samples_per_s=statistics.median(live) if live else None,
        windows=len(live),
        time_to_target_s=reached[0] if reached else None,
        first_validation_s=validations[0][0] if validations else None,
        validations=validations,
        final_validation_mse=summary["validation_mse"],
        samples_trained=summary["samples_trained"],
        batches=summary["batches"],
        time_steps_received=summary["time_steps_received"],
        time_steps_expected=summary["time_steps_expected"],
        simulations_completed=summary["simulations_completed"],
        wall_seconds=summary["wall_seconds"],
        startup_seconds=summary.get("startup_seconds"))
    return run


def median_or_none(values):
    """Median where a missing value (a target never reached) counts as
    infinitely late: None when at least half the runs lack it."""
    ordered = sorted(float("inf") if v is None else v for v in values)
    if not ordered:
        return None
    value = statistics.median(ordered)
    return None if value == float("inf") else value


def paired_ratios(runs, key, numerator, denominator):
    ratios = []
    for n in sorted(set(runs[numerator]) & set(runs[denominator])):
        a, b = runs[numerator][n].get(key), runs[denominator][n].get(key)
        ratios.append(a / b if a and b else None)
    return ratios


def fmt(value, digits=3):
    if value is None:
        return "not reached"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def table(results):
    s = results["summary"]
    target = results["target_mse"]
    lines = [
        f"Measured {results['date']} ({results['mode']} mode) on {results['cpu']}, nproc {results['nproc']}.",
        f"Built from: {results['source']}.",
    ]
    if results["note"]:
        lines.append(f"Note: {results['note']}")
    lines += [
        "",
        f"| server | trained samples/s (repeats) | time to validation MSE <= {target:g}, s (repeats) "
        "| final validation MSE (repeats) | others' cores (repeats) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for server, label in SERVERS.items():
        runs = [results["runs"][server][n] for n in sorted(results["runs"][server])]
        cell = s[server]

        def each(key, digits=3):
            return ", ".join("failed" if r.get("failed") else fmt(r.get(key), digits) for r in runs)

        lines.append(f"| {label} | {fmt(cell['samples_per_s'])} ({each('samples_per_s')}) "
                     f"| {fmt(cell['time_to_target_s'])} ({each('time_to_target_s')}) "
                     f"| {fmt(cell['final_validation_mse'])} ({each('final_validation_mse')}) "
                     f"| {each('others_cores', 2)} |")
    def ratio(key):
        pairs = ", ".join("n/a" if x is None else fmt(x) for x in s["ratios"][key + "_pairs"])
        median = s["ratios"][key]
        return f"{'n/a' if median is None else fmt(median) + 'x'} ({pairs})"

    lines += [
        f"| Apiary / reference, paired | {ratio('samples_per_s')} | reference / Apiary: {ratio('time_to_target')} "
        "| | |",
        "",
        "Medians over the repeats, each repeat in parentheses in the order run (Apiary n, then reference n).",
        "Times count from the moment the server was ready for clients; the reference's Python start-up "
        f"before that (imports) took {fmt(s['reference']['startup_seconds'])} s (median) and is not included.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("work")
    parser.add_argument("--target", type=float, required=True, help="validation MSE of the time-to-target")
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", default="full")
    parser.add_argument("--note", default="")
    parser.add_argument("--source", default="")
    parser.add_argument("--skip", type=int, default=2, help="first samples/s windows left out (start of training)")
    parser.add_argument("--doc", type=pathlib.Path, help="also rewrite the table's block in this document")
    args = parser.parse_args()

    runs = {server: {} for server in SERVERS}
    for run_dir in sorted(glob.glob(os.path.join(args.work, "*-[0-9]*"))):
        match = re.fullmatch(r"(apiary|reference)-(\d+)", os.path.basename(run_dir))
        if match and os.path.isdir(run_dir):
            runs[match[1]][int(match[2])] = summarize_run(run_dir, args.target, args.skip)

    summary = {}
    for server, by_repeat in runs.items():
        done = [r for r in by_repeat.values() if not r.get("failed")]
        summary[server] = {
            "repeats": len(by_repeat), "failed": len(by_repeat) - len(done),
            "samples_per_s": median_or_none([r["samples_per_s"] for r in done]),
            # A failed run did not reach the target either.
            "time_to_target_s": median_or_none([r.get("time_to_target_s") for r in by_repeat.values()]),
            "final_validation_mse": median_or_none([r["final_validation_mse"] for r in done]),
            "startup_seconds": median_or_none([r["startup_seconds"] for r in done]) if server == "reference" else None,
        }
    # Paired as run: Apiary's repeat n with the reference's repeat n, started
    # right after it, so that the machine's drift over minutes cancels out.
    speed = paired_ratios(runs, "samples_per_s", "apiary", "reference")
    time_ratio = paired_ratios(runs, "time_to_target_s", "reference", "apiary")
    summary["ratios"] = {"samples_per_s": median_or_none(speed), "samples_per_s_pairs": speed,
                         "time_to_target": median_or_none(time_ratio), "time_to_target_pairs": time_ratio}

    with open("/proc/cpuinfo") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown CPU")
    results = {"mode": args.mode, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "cpu": cpu, "nproc": os.cpu_count(), "source": args.source, "note": args.note,
               "target_mse": args.target, "skip_windows": args.skip, "summary": summary, "runs": runs}
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    print(table(results))
    if args.doc:
        replace_section(args.doc, SECTION, table(results))


if __name__ == "__main__":
    main()
