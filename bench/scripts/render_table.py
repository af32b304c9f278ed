#!/usr/bin/python3
"""Writes the results table of docs/benchmarks.md from a results file.

Replaces what lies between the two marker lines below in the document, so
the rest of the page (method, caveats) stays as written; with --print,
prints the table instead (run.sh --smoke, which must not touch the docs).
"""
import argparse
import json
import pathlib

from doc_section import replace_section

SECTION = "bench/scripts/render_table.py"  # its block in docs/benchmarks.md


def rate(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def others(measurement):
    during = measurement.get("cpu", {}).get("during")
    return f"{during['others_cores']:.2f}" if during else "?"


def server_cells(server):
    if "median_samples_per_s" not in server:
        return [server["status"], "-"]
    # * marks a run stopped at the runner's time limit (its windows so far).
    repeats = ", ".join(rate(r["median_samples_per_s"]) + ("" if r.get("completed", True) else "*")
                        for r in server["repeats"])
    if "median_paired_ratio" in server:
        pairs = ", ".join(f"{p['ratio']:.2f}" for p in server["paired_ratios"])
        ratio = f"{server['median_paired_ratio']:.2f} ({pairs})"
    else:
        ratio = "-"
    return [f"{rate(server['median_samples_per_s'])} ({repeats})", ratio]


def table(document):
    if "method" not in document:
        raise SystemExit("results of the old format (one bare measurement, ratio of medians): "
                         "rerun bench/run.sh to get paired measurements")
    machine = document["machine"]
    lines = [
        f"Measured {document['date']} ({document['mode']} mode) on {machine['cpu_model']}, "
        f"nproc {machine['nproc']}, {machine['memory_gib']} GiB.",
    ]
    if document.get("source"):
        lines.append(f"Built from: {document['source']}.")
    if document.get("note"):
        lines.append(f"Note: {document['note']}")
    ranks = sorted({r for entry in document["results"] for r in entry["server"]}, key=int)
    header = ["field (outputs)", "bare loop, samples/s (repeats)"]
    for r in ranks:
        header += [f"server R={r}, samples/s (repeats)", f"R={r} / bare (paired ratios)"]
    lines += ["", "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for entry in document["results"]:
        bare = entry["bare"]
        repeats = ", ".join(rate(r["samples_per_s"]) for r in bare["repeats"])
        row = [f"{entry['mesh']} ({entry['outputs']:,})", f"{rate(bare['median_samples_per_s'])} ({repeats})"]
        for r in ranks:
            row += server_cells(entry["server"][r])
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Samples/s: the median over the repeats, each repeat's in parentheses, in the order run.")
    lines.append("R / bare: the median over the repeats of server run n / bare run n, the bare run")
    lines.append("measured right before it (each pair's ratio in parentheses).")
    if any(not run.get("completed", True) for entry in document["results"] for server in entry["server"].values()
           for run in server.get("repeats", [])):
        lines.append("")
        lines.append("\\* stopped at run.sh's time limit; the median of the windows it completed.")
    lines.append("")
    lines.append("Cores taken by other processes during each measurement (of nproc; the benchmark's own")
    lines.append("processes excluded), a measure of how much the numbers were disturbed:")
    for entry in document["results"]:
        by_n = {}
        for run in entry["bare"]["repeats"]:
            by_n.setdefault(run["n"], []).append(f"bare {others(run)}")
        for r in ranks:
            for run in entry["server"][r].get("repeats", []):
                by_n.setdefault(run["n"], []).append(f"R={r} {others(run)}")
        cells = [f"#{n} " + ", ".join(by_n[n]) for n in sorted(by_n)]
        lines.append(f"- {entry['mesh']}: " + "; ".join(cells))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=pathlib.Path)
    parser.add_argument("--doc", type=pathlib.Path, help="the document whose table is replaced")
    parser.add_argument("--print", action="store_true", help="print the table instead")
    args = parser.parse_args()

    text = table(json.loads(args.results.read_text()))
    if args.print or not args.doc:
        print(text)
        return
    replace_section(args.doc, SECTION, text)


if __name__ == "__main__":
    main()
