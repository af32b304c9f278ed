#!/usr/bin/env bash
# The CPU benchmark suite (make bench, docs/benchmarks.md): every part in
# turn, each with its own runner, results file and table.
#
#   bench/run.sh [--smoke] [--bin-dir DIR] [--parts "training ..."]
#
# Parts (bench/<part>/run.sh), in this order: training (server vs bare
# libtorch loop, bench/results/latest.json), ingest (server reception vs
# bare ZeroMQ and memcpy, ingest.json), reference (Apiary vs a Python
# server built like Melissa's, reference.json), offline (online vs offline
# training, online-vs-offline.json and docs/img/online-vs-offline.png),
# security (CURVE against no security, security.json).
# Full mode writes each part's results under bench/results/ and its table
# in docs/benchmarks.md; --smoke runs each part for seconds and writes
# neither. Prints how long each part took.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin_dir=$(dirname "$here")/build/bin
parts="training ingest reference offline security"
smoke=()
while (($#)); do
  case $1 in
    --smoke) smoke=(--smoke) ;;
    --bin-dir) bin_dir=$(cd "$2" && pwd); shift ;;
    --parts) parts=$2; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

timings=()
for part in $parts; do
  [[ -f $here/$part/run.sh ]] || { echo "run.sh: no part $part (bench/$part/run.sh)" >&2; exit 2; }
  echo "=== $part"
  start=$SECONDS
  bash "$here/$part/run.sh" --bin-dir "$bin_dir" "${smoke[@]}"
  timings+=("$part $((SECONDS - start)) s")
done
echo "=== done: ${timings[*]}"
