#!/usr/bin/env bash
# What security costs (docs/benchmarks.md, "Security"): the same work with
# server.security = "curve" (the default) and "none", in interleaved pairs.
#
#   bench/security/run.sh            3 pairs of each measurement, about 5 min on 2 cores:
#                                    writes bench/results/security.json and the table of docs/benchmarks.md
#   bench/security/run.sh --smoke    one tiny pair of each (CI, seconds); writes only under its work directory
#
# Options: --bin-dir DIR (default build/bin), --out FILE (the results JSON),
# --work DIR (default runs/bench-security-<mode>-<time>), --repeats N
# (default 3), --quiet-timeout S (default 10: how long to wait, before each
# run, for other processes to leave the cores), --note TEXT.
#
# Two measurements:
# - demo: the heat-equation demo (examples/heat-pde/study.toml) cut to a
#   fifth (60 simulations, 1125 batches: the same mesh, clients, batch and
#   model), trained samples/s from summary.json;
# - ingest: a heavy stream, 4 clients of 1 MB fields into the server's
#   reception (apiary-bench-ingest --mode apiary [--curve]), GB/s.
# Pair n runs curve then none for odd n, none then curve for even n, so
# that neither setting always runs first; the ratio is curve / none per
# pair, and the result is the median over the pairs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=/usr/bin/python3  # Debian's, whatever python3 PATH finds first
mode=full
bin_dir=$repo/build/bin
out=""
work=""
repeats=3
quiet_timeout=10
note=""
while (($#)); do
  case $1 in
    --smoke) mode=smoke ;;
    --bin-dir) bin_dir=$(cd "$2" && pwd); shift ;;
    --out) out=$2; shift ;;
    --work) work=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --quiet-timeout) quiet_timeout=$2; shift ;;
    --note) note=$2; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

for program in apiary apiary-server apiary-heat apiary-synthetic apiary-bench-ingest; do
  [[ -x $bin_dir/$program ]] || { echo "run.sh: $bin_dir/$program is missing: build it first" >&2; exit 2; }
done

demo_sets=(--set study.simulations=60 --set training.batches=1125)
ingest_args=(--clients 4 --values 262144 --stream-ms 1500)
if [[ $mode == smoke ]]; then
  repeats=1 quiet_timeout=0
  demo_sets=(--set study.simulations=3 --set study.validation_simulations=1
    "--set=client.command=apiary-heat 20 20 100 {T0} {T1} {T2} {T3} {T4}" --set client.field_size=400
    --set buffer.watermark=20 --set training.batches=20 --set training.validation_every=10
    --set server.metrics_every=5)
  ingest_args=(--clients 1 --values 1000 --stream-ms 200)
fi
work=${work:-$repo/runs/bench-security-$mode-$(date +%Y%m%d-%H%M%S)}
if [[ -z $out ]]; then
  [[ $mode == smoke ]] && out=$work/results.json || out=$repo/bench/results/security.json
fi
mkdir -p "$work" "$(dirname "$out")"

# measure NAME COMMAND...: waits for quiet cores, runs the command with the
# cores other processes took meanwhile recorded (NAME.cpu), logs in NAME.log.
measure() {
  local name=$1 status=0
  shift
  "$python" "$repo/bench/scripts/wait_for_quiet.py" --timeout "$quiet_timeout" >"$work/$name.quiet"
  "$python" "$repo/bench/scripts/measure_cpu.py" --out "$work/$name.cpu" -- "$@" >"$work/$name.log" 2>&1 || status=$?
  if ((status != 0)); then
    echo "   $name exited with $status:"
    tail -n 5 "$work/$name.log"
    return 1
  fi
}

demo() {
  local security=$1 n=$2
  echo "== demo, security $security, pair $n"
  rm -rf "${work:?}/demo-$security-$n"
  measure "demo-$security-$n" "$bin_dir/apiary" run "$repo/examples/heat-pde/study.toml" --quiet \
    --run-dir "$work/demo-$security-$n" "${demo_sets[@]}" --set "server.security=$security"
}

ingest() {
  local security=$1 n=$2 curve=()
  [[ $security == curve ]] && curve=(--curve)
  echo "== ingest, security $security, pair $n"
  measure "ingest-$security-$n" "$bin_dir/apiary-bench-ingest" --mode apiary --client "$bin_dir/apiary-synthetic" \
    "${ingest_args[@]}" "${curve[@]}" --json "$work/ingest-$security-$n.json" --log-dir "$work/logs/ingest-$security-$n"
}

failures=0
for ((n = 1; n <= repeats; n++)); do
  order=(curve none)
  ((n % 2 == 0)) && order=(none curve)
  for security in "${order[@]}"; do demo "$security" "$n" || failures=$((failures + 1)); done
  for security in "${order[@]}"; do ingest "$security" "$n" || failures=$((failures + 1)); done
done

source_text="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -n $(git -C "$repo" status --porcelain 2>/dev/null) ]] && source_text+=" with uncommitted changes"
source_text+=", binaries from $bin_dir"
doc=()
[[ $mode == full ]] && doc=(--doc "$repo/docs/benchmarks.md")
"$python" "$here/summarize.py" "$work" --repeats "$repeats" --out "$out" --mode "$mode" --source "$source_text" \
  --note "$note" "${doc[@]}"
echo "== wrote $out"
((failures == 0)) || { echo "run.sh: $failures run(s) failed" >&2; exit 1; }
