#!/usr/bin/env python3
"""Tabulates bench/gpu/run.sh's measurements (one JSON per run in DIR):
samples/s per batch, where the batches came from, the FLOP rate the MLP's
products reached and its fraction of the float32 matrix-product bound
measured on the same GPU in the same call. Writes DIR/summary.json and
prints a Markdown table."""
import json
import pathlib
import sys


def batches_from(run: dict) -> str:
    if run.get("benchmark") == "server_trainer":
        return "server trainer, host buffer"
    if not run["batches_from_host"]:
        return "device memory"
    return "host" if run["device"] == "cpu" else "host (pinned, copied each step)"


def main(directory: pathlib.Path) -> None:
    measured = [json.loads(path.read_text()) for path in sorted(directory.glob("*-b*.json"))]
    runs = [run for run in measured if run.get("benchmark") == "bare_training_loop"]
    trainers = [run for run in measured if run.get("benchmark") == "server_trainer"]
    if not runs:
        sys.exit(f"summarize.py: no bare-loop measurements in {directory}")
    flops = runs[0]["flops_per_sample"]
    # The trainer runs once (no repeats): its rate over all its steps.
    for run in trainers:
        run.update(batches_from_host=True, median_samples_per_s=run["samples_per_s"],
                   achieved_flops_per_s=flops * run["samples_per_s"], repeats=[run])
    with_bound = [run for run in runs if "matmul_flops_per_s" in run]
    bound = with_bound[0]["matmul_flops_per_s"] if with_bound else None
    gpu = (directory / "gpu.txt").read_text().strip().splitlines() if (directory / "gpu.txt").exists() else []
    rows = []
    for run in sorted(runs, key=lambda r: (r["batches_from_host"], r["batch"])) + sorted(trainers, key=lambda r: r["batch"]):
        rows.append({
            "batch": run["batch"],
            "batches_from": batches_from(run),
            "samples_per_s": run["median_samples_per_s"],
            "repeats_samples_per_s": [r["samples_per_s"] for r in run["repeats"]],
            "tflops": run["achieved_flops_per_s"] / 1e12,
            "fraction_of_matmul_bound": run["achieved_flops_per_s"] / bound if bound else None,
            "device": run["device"],
        })
    (directory / "summary.json").write_text(json.dumps(
        {"gpu": gpu, "matmul_bound_flops_per_s": bound, "flops_per_sample": runs[0]["flops_per_sample"], "runs": rows},
        indent=1) + "\n")
    print(f"GPU: {'; '.join(gpu)}")
    if bound:
        size = with_bound[0]["matmul_size"]
        print(f"float32 matrix product bound ({size}^3, torch::mm, same call): {bound / 1e12:.1f} TFLOP/s")
    print(f"FLOPs per sample (forward + backward): {runs[0]['flops_per_sample'] / 1e9:.2f} GFLOP\n")
    print(f"| batch | batches from | samples/s (loops: median of {len(runs[0]['repeats'])}) | TFLOP/s | of the matmul bound |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        fraction = f"{100 * row['fraction_of_matmul_bound']:.0f}%" if row["fraction_of_matmul_bound"] else "n/a"
        print(f"| {row['batch']} | {row['batches_from']} | {row['samples_per_s']:,.0f} | {row['tflops']:.1f} | {fraction} |")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/gpu/out"))
