#!/usr/bin/python3
"""Sizes a throughput study so that training lasts about --seconds here.

The bare loop's rate on this machine, measured just before, says how many
batches fit in that time; the study then needs enough simulations that the
stream outlasts training (FIRO: each sample is drawn pseudo_epochs times, and
each server rank's buffer holds capacity samples when training stops), so training never
runs on a draining buffer. Prints the launcher's --set arguments, one a line.
"""
import argparse
import math
import tomllib


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("study", help="the throughput study (TOML)")
    parser.add_argument("--samples-per-s", type=float, required=True, help="the bare loop's rate")
    parser.add_argument("--seconds", type=float, required=True, help="training time wanted")
    parser.add_argument("--windows", type=int, default=20, help="metrics windows wanted")
    parser.add_argument("--ranks", type=int, default=1, help="server ranks: each holds a buffer of capacity")
    parser.add_argument("--min-batches", type=int, default=10)
    args = parser.parse_args()

    with open(args.study, "rb") as file:
        study = tomllib.load(file)
    batch = study["training"]["batch_size"]
    steps = study["client"]["time_steps"]
    buffer = study["buffer"]
    batches = max(args.min_batches, round(args.samples_per_s * args.seconds / batch))
    # Samples the stream must deliver: what training draws, over the draws
    # each sample gets, plus what the full buffers still hold at the end.
    samples_needed = batches * batch / buffer.get("pseudo_epochs", 1) + buffer["capacity"] * args.ranks
    simulations = math.ceil(samples_needed / steps) + 1
    print(f"training.batches={batches}")
    print(f"server.metrics_every={max(1, batches // args.windows)}")
    print(f"study.simulations={simulations}")


if __name__ == "__main__":
    main()
