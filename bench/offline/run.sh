#!/usr/bin/env bash
# Online versus offline training on the same ensemble (bench/offline/README.md).
#
#   bench/offline/run.sh            about 4 min on 2 quiet cores: writes
#                                   bench/results/online-vs-offline.json, the plot
#                                   docs/img/online-vs-offline.png and the table of
#                                   docs/benchmarks.md
#   bench/offline/run.sh --smoke    every step on a tiny study (CI, under 1 min); writes
#                                   only under its work directory and prints the table
#
# Options: --bin-dir DIR (default build/bin: apiary, apiary-server, apiary-heat),
# --work DIR (default runs/offline-bench-<time>), --out FILE (the results JSON),
# --plot FILE (the PNG), --seconds S (default 60: the online run's training
# wall-time limit), --simulations N (default the study's 200: fewer make a
# shorter stream and dataset), --quiet-timeout S (default 45: how long to
# wait, before each phase, for other processes to leave the cores), --note
# TEXT (kept in the results).
#
# 1. online: apiary run on heat-offline.toml (reservoir of 1,000 samples, the
#    stream of 200 simulations lasting about as long as training);
# 2. offline: apiary offline on the same study (same seeds: the same
#    ensemble), trained from disk for the online run's training time;
# 3. compare.py: learning curves, errors at equal training time, at equal
#    end-to-end time and at equal samples trained; the plot.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$(dirname "$here")
repo=$(dirname "$bench")
python=/usr/bin/python3  # Debian's (matplotlib), whatever python3 PATH finds first
mode=full
bin_dir=$repo/build/bin
work=""
out=""
plot=""
seconds=60
simulations=""
quiet_timeout=45
note=""
while (($#)); do
  case $1 in
    --smoke) mode=smoke ;;
    --bin-dir) bin_dir=$(cd "$2" && pwd); shift ;;
    --work) work=$2; shift ;;
    --out) out=$2; shift ;;
    --plot) plot=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --simulations) simulations=$2; shift ;;
    --quiet-timeout) quiet_timeout=$2; shift ;;
    --note) note=$2; shift ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

study=$here/heat-offline.toml
sets=()
if [[ $mode == smoke ]]; then
  # The same steps on a study that takes seconds: 16 x 16 mesh, 6 simulations.
  seconds=3 quiet_timeout=0
  sets=(--set study.simulations=6 --set study.validation_simulations=1
        "--set=client.command=apiary-heat 16 16 20 {T0} {T1} {T2} {T3} {T4} --snapshots 20"
        --set client.field_size=256 --set client.time_steps=20 --set buffer.capacity=60 --set buffer.watermark=30
        "--set=training.hidden=[32, 32]" --set training.validation_every=20 --set server.metrics_every=20)
fi
[[ -n $simulations ]] && sets+=(--set "study.simulations=$simulations")
work=${work:-$repo/runs/offline-bench-$mode-$(date +%Y%m%d-%H%M%S)}
if [[ $mode == smoke ]]; then
  out=${out:-$work/results.json}
  plot=${plot:-$work/online-vs-offline.png}
else
  out=${out:-$bench/results/online-vs-offline.json}
  plot=${plot:-$repo/docs/img/online-vs-offline.png}
fi
mkdir -p "$work" "$(dirname "$out")" "$(dirname "$plot")"
for program in apiary apiary-server apiary-heat; do
  [[ -x $bin_dir/$program ]] || { echo "run.sh: $bin_dir/$program is missing: build it first" >&2; exit 2; }
done
"$python" -c "import matplotlib" 2>/dev/null ||
  { echo "run.sh: $python cannot import matplotlib: run scripts/install-deps.sh (python3-matplotlib)" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

json_value() { "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

# phase NAME COMMAND...: waits for quiet cores, runs COMMAND, records the
# cores other processes took meanwhile (NAME.cpu) and its output (NAME.log).
phase() {
  local name=$1
  shift
  "$python" "$bench/scripts/wait_for_quiet.py" --timeout "$quiet_timeout" >"$work/$name.quiet"
  if ! "$python" "$bench/scripts/measure_cpu.py" --out "$work/$name.cpu" -- "$@" >"$work/$name.log" 2>&1; then
    echo "run.sh: $name failed; the end of $work/$name.log:" >&2
    tail -n 15 "$work/$name.log" >&2
    exit 1
  fi
  echo "   others took $(json_value "$work/$name.cpu" others_cores) cores"
}

echo "== online: apiary run $(basename "$study") (training stops after $seconds s)"
phase online "$bin_dir/apiary" run "$study" --run-dir "$work/online" --quiet "${sets[@]}" \
  --set "training.max_seconds=$seconds"
train_seconds=$(json_value "$work/online/summary.json" training_seconds)
echo "   trained $(json_value "$work/online/summary.json" samples_trained) samples in $train_seconds s"

echo "== offline: apiary offline $(basename "$study") --train-seconds $train_seconds"
phase offline "$bin_dir/apiary" offline "$study" --run-dir "$work/offline" --quiet "${sets[@]}" \
  --train-seconds "$train_seconds"
echo "   generated in $("$python" -c "import json,sys; print(round(json.load(open(sys.argv[1]))['generation']['wall_seconds'], 1))" \
  "$work/offline/summary.json") s, trained $(json_value "$work/offline/summary.json" samples_trained) samples"

source_text="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -n $(git -C "$repo" status --porcelain 2>/dev/null) ]] && source_text+=" with uncommitted changes"
source_text+=", binaries from $bin_dir"
doc=()
[[ $mode == full ]] && doc=(--doc "$repo/docs/benchmarks.md")
"$python" "$here/compare.py" --online "$work/online" --offline "$work/offline" --work "$work" --mode "$mode" \
  --source "$source_text" --note "$note" --out "$out" --plot "$plot" "${doc[@]}"
echo "results: $out; plot: $plot"
