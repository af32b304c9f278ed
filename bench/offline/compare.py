#!/usr/bin/python3
"""Compares an online run and an offline run of the same study.

Reads each run's validation records (metrics.jsonl: batch, training_seconds,
samples_trained, time, validation_rel_l2) and summaries, and writes:
  --out     the results as JSON: both learning curves, the errors at equal
            training time, at equal end-to-end time and at equal samples
            trained, generation time and dataset size;
  --plot    the learning curves as a PNG (matplotlib, Agg);
  --doc     (optional) the results table, between its markers in that document;
and prints the table.

End-to-end time counts from the start of the study: for the online run,
the server's clock (it starts with the study); for the offline run, the
generation's wall time plus the training server's clock.

  compare.py --online RUN --offline RUN --work DIR --out R.json --plot P.png
"""
import argparse
import datetime
import json
import os
import platform
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
from doc_section import replace_section  # noqa: E402

SECTION = "bench/offline/compare.py"  # its block in docs/benchmarks.md


def read_json(path):
    with open(path) as f:
        return json.load(f)


def validation_curve(metrics_file, time_offset=0.0):
    points = []
    with open(metrics_file) as f:
        for line in f:
            record = json.loads(line)
            if record.get("event") != "validation":
                continue
            for key in ("training_seconds", "samples_trained"):
                if key not in record:
                    sys.exit(f"compare.py: {metrics_file}: validation records lack {key} (an older server?)")
            points.append({
                "batch": record["batch"],
                "training_seconds": record["training_seconds"],
                "samples_trained": record["samples_trained"],
                "end_to_end_seconds": time_offset + record["time"],
                "validation_rel_l2": record["validation_rel_l2"],
                "validation_mse": record["validation_mse"],
            })
    if not points:
        sys.exit(f"compare.py: {metrics_file} has no validation record")
    # The final validation repeats the last periodic one when training
    # stopped on a multiple of validation_every.
    unique = [p for i, p in enumerate(points) if i == 0 or p["batch"] != points[i - 1]["batch"]]
    return unique


def error_at(curve, key, value):
    """The error of the last validation at or before value (None before the first)."""
    before = [p for p in curve if p[key] <= value * (1 + 1e-9)]
    return before[-1]["validation_rel_l2"] if before else None


def cores_taken(work, name):
    path = os.path.join(work, name + ".cpu")
    return read_json(path).get("others_cores") if os.path.exists(path) else None


def compare(args):
    online_summary = read_json(os.path.join(args.online, "summary.json"))
    offline_summary = read_json(os.path.join(args.offline, "summary.json"))
    generation = offline_summary["generation"]
    online = validation_curve(os.path.join(args.online, "metrics.jsonl"))
    offline = validation_curve(os.path.join(args.offline, "train", "metrics.jsonl"), generation["wall_seconds"])

    training_time = min(online[-1]["training_seconds"], offline[-1]["training_seconds"])
    samples = min(online[-1]["samples_trained"], offline[-1]["samples_trained"])
    fractions = (0.25, 0.5, 0.75, 1.0)
    at_time = [{"training_seconds": f * training_time,
                "online": error_at(online, "training_seconds", f * training_time),
                "offline": error_at(offline, "training_seconds", f * training_time)} for f in fractions]
    at_samples = [{"samples_trained": int(f * samples),
                   "online": error_at(online, "samples_trained", f * samples),
                   "offline": error_at(offline, "samples_trained", f * samples)} for f in fractions]
    online_end = online[-1]["end_to_end_seconds"]
    offline_end = offline[-1]["end_to_end_seconds"]
    end_to_end = [{"end_to_end_seconds": t,
                   "online": error_at(online, "end_to_end_seconds", t),
                   "offline": error_at(offline, "end_to_end_seconds", t)} for t in (online_end, offline_end)]
    return {
        "mode": args.mode,
        # When the measurement ended (the offline run's summary), not when it was compared.
        "date": datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(args.offline, "summary.json")),
                                                datetime.timezone.utc).isoformat(timespec="seconds"),
        "source": args.source,
        "note": args.note,
        "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version()},
        "cores_taken_by_others": {"online": cores_taken(args.work, "online"),
                                  "offline": cores_taken(args.work, "offline")},
        "online": {
            "run_dir": os.path.abspath(args.online),
            "buffer": online_summary["buffer"],
            "training_seconds": online_summary["training_seconds"],
            "wall_seconds": online_summary["wall_seconds"],
            "samples_trained": online_summary["samples_trained"],
            "unique_training_samples": online_summary["training_samples_received"],
            # Stored in the reservoir before training ended: what training could draw from.
            "unique_samples_buffered": online_summary["buffer"]["puts"],
            "samples_per_second": online_summary["samples_per_second"],
            "final_validation_rel_l2": online_summary["validation_rel_l2"],
            "curve": online,
        },
        "offline": {
            "run_dir": os.path.abspath(args.offline),
            "generation_seconds": generation["wall_seconds"],
            "recording_seconds": generation.get("recording_seconds"),
            "dataset_bytes": offline_summary["dataset"]["bytes"],
            "dataset_training_records": offline_summary["dataset"]["training_records"],
            "dataset_validation_records": offline_summary["dataset"]["validation_records"],
            "epochs": offline_summary["dataset"]["epochs"],
            "training_seconds": offline_summary["training_seconds"],
            "training_wall_seconds": offline_summary["training_wall_seconds"],
            "wall_seconds": offline_summary["wall_seconds"],
            "samples_trained": offline_summary["samples_trained"],
            "samples_per_second": offline_summary["samples_per_second"],
            "final_validation_rel_l2": offline_summary["validation_rel_l2"],
            "curve": offline,
        },
        "at_equal_training_time": at_time,
        "at_equal_samples_trained": at_samples,
        "at_equal_end_to_end_time": end_to_end,
    }


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def cores_text(value):
    return "not measured" if value is None else f"{value:.2f}"


def error_text(value):
    return "-" if value is None else f"{value:.4f}"


def ratio_text(online, offline):
    if online is None or offline is None or offline == 0:
        return "-"
    return f"{online / offline:.2f}"


def table(results):
    on, off = results["online"], results["offline"]
    lines = [
        f"Measured {results['date']} ({results['mode']} mode) on {results['machine']['cpu']}, "
        f"nproc {results['machine']['nproc']}. Built from: {results['source']}.",
    ]
    if results["note"]:
        lines.append(f"Note: {results['note']}")
    taken = results["cores_taken_by_others"]
    lines += [
        f"Cores taken by other processes: online run {cores_text(taken['online'])}, "
        f"offline run {cores_text(taken['offline'])} (of {results['machine']['nproc']}).",
        "",
        "| | online | offline |",
        "| --- | --- | --- |",
        f"| unique training samples | {on['unique_training_samples']:,} streamed, "
        f"{on['unique_samples_buffered']:,} before training ended | {off['dataset_training_records']:,} on disk |",
        f"| buffer | {on['buffer']['kind']}, {on['buffer']['capacity_per_rank']:,} samples | "
        f"whole dataset from disk, {off['epochs']} epochs begun |",
        f"| generation before training | none (concurrent) | {off['generation_seconds']:.1f} s, "
        f"{off['dataset_bytes'] / 1e6:.1f} MB on disk |",
        f"| training time | {on['training_seconds']:.1f} s | {off['training_seconds']:.1f} s |",
        f"| samples trained (per s) | {on['samples_trained']:,} ({on['samples_per_second']:,.0f}) | "
        f"{off['samples_trained']:,} ({off['samples_per_second']:,.0f}) |",
        f"| end to end | {on['wall_seconds']:.1f} s | {off['wall_seconds']:.1f} s |",
        f"| final validation rel. L2 | {on['final_validation_rel_l2']:.4f} | {off['final_validation_rel_l2']:.4f} |",
        "",
        "Validation relative L2 error (lower is better; online / offline > 1: offline is better):",
        "",
        "| at | online | offline | online / offline |",
        "| --- | --- | --- | --- |",
    ]
    for row in results["at_equal_training_time"]:
        lines.append(f"| {row['training_seconds']:.1f} s of training | {error_text(row['online'])} | "
                     f"{error_text(row['offline'])} | {ratio_text(row['online'], row['offline'])} |")
    for row in results["at_equal_samples_trained"]:
        lines.append(f"| {row['samples_trained']:,} samples trained | {error_text(row['online'])} | "
                     f"{error_text(row['offline'])} | {ratio_text(row['online'], row['offline'])} |")
    for row in results["at_equal_end_to_end_time"]:
        lines.append(f"| {row['end_to_end_seconds']:.1f} s from the study's start | {error_text(row['online'])} | "
                     f"{error_text(row['offline'])} | {ratio_text(row['online'], row['offline'])} |")
    lines.append("")
    lines.append("A '-': that run had no validation yet at that point (offline: still generating).")
    return "\n".join(lines)


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    on, off = results["online"]["curve"], results["offline"]["curve"]
    panels = [("training_seconds", "training wall time (s)"),
              ("end_to_end_seconds", "wall time since the study started (s)"),
              ("samples_trained", "samples trained")]
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.5), sharey=True)
    for axis, (key, label) in zip(axes, panels):
        axis.plot([p[key] for p in on], [p["validation_rel_l2"] for p in on], "o-", markersize=3,
                  label=f"online ({results['online']['buffer']['kind']} of "
                        f"{results['online']['buffer']['capacity_per_rank']:,}, streamed)")
        axis.plot([p[key] for p in off], [p["validation_rel_l2"] for p in off], "s-", markersize=3,
                  label="offline (from disk, epochs)")
        if key == "end_to_end_seconds":
            axis.axvspan(0, results["offline"]["generation_seconds"], color="grey", alpha=0.15,
                         label="offline: generating the dataset")
        axis.set_xlabel(label)
        axis.set_yscale("log")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("validation relative L2 error")
    axes[1].legend(loc="upper right", fontsize=8)
    figure.suptitle("Online vs offline training on the same heat-equation ensemble "
                    f"({results['mode']} run, {results['date'][:10]})")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--online", required=True, help="run directory of apiary run")
    parser.add_argument("--offline", required=True, help="run directory of apiary offline")
    parser.add_argument("--work", required=True, help="where run.sh kept online.cpu and offline.cpu")
    parser.add_argument("--out", required=True)
    parser.add_argument("--plot", required=True)
    parser.add_argument("--doc", help="rewrite the results block of this document (docs/benchmarks.md)")
    parser.add_argument("--mode", default="full")
    parser.add_argument("--source", default="")
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    results = compare(args)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    plot(results, args.plot)
    text = table(results)
    if args.doc:
        replace_section(pathlib.Path(args.doc), SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
