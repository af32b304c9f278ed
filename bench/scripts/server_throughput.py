#!/usr/bin/python3
"""The server's training throughput in one run directory, as JSON.

metrics.jsonl has one "train" line per server.metrics_every batches, whose
samples_per_s covers that window (all ranks together). The first windows
include start-up (allocation of the model and optimizer state, the first
batches' page faults): the result is the median of the windows after
--skip. Also reports the lowest buffer fill among them: a buffer near
empty would mean training waited for data, and the rate measured the
clients rather than the trainer.
"""
import argparse
import json
import pathlib
import statistics


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run_dir", type=pathlib.Path)
    parser.add_argument("--skip", type=int, default=3, help="windows dropped at the start")
    args = parser.parse_args()

    windows = []
    with open(args.run_dir / "metrics.jsonl") as metrics:
        for line in metrics:
            record = json.loads(line)
            if record.get("event") == "train":
                windows.append(record)
    steady = windows[args.skip:]
    if not steady:
        raise SystemExit(f"{args.run_dir}: {len(windows)} train windows, none left after skipping {args.skip}")
    # A run stopped by the runner's time limit has windows but no summary.
    summary_file = args.run_dir / "summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    rates = [w["samples_per_s"] for w in steady]
    print(json.dumps({
        "median_samples_per_s": statistics.median(rates),
        "windows_samples_per_s": rates,
        "windows_skipped": args.skip,
        "min_buffer_size": min(w.get("buffer_size", 0) for w in steady),
        "completed": bool(summary),
        "summary_samples_per_second": summary.get("samples_per_second"),
        "batches": summary.get("batches"),
        "training_seconds": summary.get("training_seconds"),
    }))


if __name__ == "__main__":
    main()
