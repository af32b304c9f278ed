#!/usr/bin/env bash
# Apiary's server vs a Python server built the way Melissa's is
# (bench/reference/README.md), fed by the same clients at the same rate.
#
#   bench/reference/run.sh            3 repeats of each, about 3-4 min on 2 cores;
#                                     writes bench/results/reference.json and the table of docs/benchmarks.md
#   bench/reference/run.sh --smoke    one tiny run of each (CI, under a minute);
#                                     writes only under its work directory
#
# Options: --bin-dir DIR (default build/bin: apiary, apiary-server,
# apiary-synthetic), --out FILE (the results JSON), --work DIR (default
# runs/bench-reference-<mode>-<time>), --repeats N (default 3), --target MSE
# (default 0.02: the validation MSE of the time-to-target), --quiet-timeout S
# (default 10: how long to wait, before each run, for other processes to
# leave the cores), --note TEXT (kept in the results).
#
# Both servers run under the real launcher on bench/reference/study.toml:
# Apiary's from --bin-dir, the reference from a bin directory holding a
# copy of the launcher, the same apiary-synthetic and reference-server.sh
# as apiary-server (the launcher starts the apiary-server beside itself).
# So both get the same plan, clients, rate and concurrency. The runs
# alternate, Apiary n then reference n, so that the machine's drift over
# minutes hits both alike. Exit code 77: Debian's Python lacks torch, zmq or
# numpy (ctest counts it as skipped).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=/usr/bin/python3  # Debian's, with python3-torch, python3-zmq, python3-numpy
mode=full
bin_dir=$repo/build/bin
out=""
work=""
repeats=3
target=0.02
quiet_timeout=10
note=""
while (($#)); do
  case $1 in
    --smoke) mode=smoke ;;
    --bin-dir) bin_dir=$(cd "$2" && pwd); shift ;;
    --out) out=$2; shift ;;
    --work) work=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --target) target=$2; shift ;;
    --quiet-timeout) quiet_timeout=$2; shift ;;
    --note) note=$2; shift ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

for program in apiary apiary-server apiary-synthetic; do
  [[ -x $bin_dir/$program ]] || { echo "run.sh: $bin_dir/$program is missing: build it first" >&2; exit 2; }
done
if ! "$python" -c "import numpy, torch, zmq" 2>/dev/null; then
  echo "run.sh: $python cannot import numpy, torch and zmq (apt-get install python3-numpy python3-torch" \
    "python3-zmq): skipped" >&2
  exit 77
fi

# The smoke run keeps every moving part (launcher, clients, both servers,
# validation, the summary) and shrinks the data: a few seconds per server.
sets=()
time_limit=150
if [[ $mode == smoke ]]; then
  repeats=1 quiet_timeout=0 time_limit=60
  sets=(--set study.simulations=4 --set study.validation_simulations=1
    "--set=client.command=apiary-synthetic --values 1000 --steps 20 --rate 200"
    --set client.field_size=1000 --set client.time_steps=20 --set buffer.capacity=40 --set buffer.watermark=10
    --set server.metrics_every=5 --set training.validation_every=10)
fi
work=${work:-$repo/runs/bench-reference-$mode-$(date +%Y%m%d-%H%M%S)}
if [[ -z $out ]]; then
  [[ $mode == smoke ]] && out=$work/results.json || out=$repo/bench/results/reference.json
fi
mkdir -p "$work" "$(dirname "$out")"

# The launcher starts the apiary-server that sits beside it (it resolves its
# own path through /proc/self/exe, so a symbolic link would not do: a hard
# link, or a copy across file systems).
reference_bin=$work/reference-bin
mkdir -p "$reference_bin"
ln -f "$bin_dir/apiary" "$reference_bin/apiary" 2>/dev/null || cp "$bin_dir/apiary" "$reference_bin/apiary"
ln -sf "$bin_dir/apiary-synthetic" "$reference_bin/apiary-synthetic"
ln -sf "$here/reference-server.sh" "$reference_bin/apiary-server"

# run_study SERVER N: one study, its disturbance recorded in SERVER-N.cpu.
run_study() {
  local server=$1 n=$2 launcher=$bin_dir/apiary status=0
  [[ $server == reference ]] && launcher=$reference_bin/apiary
  local name=$server-$n
  echo "== $name"
  rm -rf "${work:?}/$name"
  "$python" "$repo/bench/scripts/wait_for_quiet.py" --timeout "$quiet_timeout" >"$work/$name.quiet"
  "$python" "$repo/bench/scripts/measure_cpu.py" --out "$work/$name.cpu" -- \
    timeout --signal=TERM "$time_limit" "$launcher" run "$here/study.toml" --run-dir "$work/$name" --quiet \
    "${sets[@]}" >"$work/$name.log" 2>&1 || status=$?
  if ((status != 0)); then
    echo "   apiary run exited with $status:"
    tail -n 5 "$work/$name.log"
    return 1
  fi
}

failures=0
for ((n = 1; n <= repeats; n++)); do
  run_study apiary "$n" || failures=$((failures + 1))
  run_study reference "$n" || failures=$((failures + 1))
done

source_text="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -n $(git -C "$repo" status --porcelain 2>/dev/null) ]] && source_text+=" with uncommitted changes"
source_text+=", binaries from $bin_dir"
doc=()
[[ $mode == full ]] && doc=(--doc "$repo/docs/benchmarks.md")
"$python" "$here/summarize.py" "$work" --target "$target" --out "$out" --mode "$mode" --source "$source_text" \
  --note "$note" "${doc[@]}"
echo "== wrote $out"
((failures == 0)) || { echo "run.sh: $failures run(s) failed" >&2; exit 1; }
