#!/usr/bin/env bash
# Training throughput: the server vs the bare libtorch loop (docs/benchmarks.md).
# Part of the suite (bench/run.sh, make bench).
#
#   bench/training/run.sh           the full measurement, about 7 min on 2 quiet cores:
#                                   writes bench/results/latest.json and the table of docs/benchmarks.md
#   bench/training/run.sh --smoke   every step for a few seconds (CI, under 2 min); writes
#                                   only under its work directory and prints the table
#
# Options: --bin-dir DIR (default build/bin: apiary, apiary-server,
# apiary-synthetic, apiary-bench-train), --work DIR (default runs/bench-<time>),
# --repeats N (default 3), --meshes "100x100 500x500 1000x1000", --ranks "1 2"
# (default 1: server ranks to measure), --threads T (default 2:
# the bare loop's libtorch threads, and the server's, divided among its
# ranks), --quiet-timeout S (default 45: how long to wait, before each
# measurement, for other processes to leave the cores), --attempts N (default
# 3: tries of a measurement during which other processes took more than
# --max-others cores, default 0.25), --budget-minutes M (default 25: no more
# retries after that), --note TEXT (kept in the results). 1000x1000 (the SC'23
# size, 4 MB samples) trains a few samples/s here: its runs are shorter.
#
# For each mesh and each repeat n: the bare loop (bare-<mesh>-<n>), then at
# once a real study (bench/studies/) with apiary-synthetic clients on each
# --ranks count (server-<mesh>-r<R>-<n>): each server run is compared with the
# bare run just before it, so the machine's drift over minutes cancels out.
# A failed server run is recorded, not fatal; an unknown server.ranks is
# recorded "not available". Every measurement records the cores other
# processes took meanwhile.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)  # bench/
repo=$(dirname "$here")
python=/usr/bin/python3  # Debian's, whatever python3 PATH finds first
mode=full
bin_dir=$repo/build/bin
work=""
repeats=3
meshes="100x100 500x500 1000x1000"
server_ranks="1"
threads=2
quiet_timeout=45
attempts=3
max_others=0.25
budget_minutes=25
note=""
while (($#)); do
  case $1 in
    --smoke) mode=smoke ;;
    --bin-dir) bin_dir=$(cd "$2" && pwd); shift ;;
    --work) work=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --meshes) meshes=$2; shift ;;
    --ranks) server_ranks=$2; shift ;;
    --threads) threads=$2; shift ;;
    --quiet-timeout) quiet_timeout=$2; shift ;;
    --attempts) attempts=$2; shift ;;
    --max-others) max_others=$2; shift ;;
    --budget-minutes) budget_minutes=$2; shift ;;
    --note) note=$2; shift ;;
    -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# Seconds of each timed part. The server's first windows (start-up) are
# skipped; training is sized from the bare loop's rate to last about
# train_seconds, so the suite's length does not depend on the machine.
if [[ $mode == smoke ]]; then
  repeats=1 bare_seconds=1 warmup_seconds=0 train_seconds=3 windows=5 skip=1 quiet_timeout=0 attempts=1
else
  bare_seconds=8 warmup_seconds=2 train_seconds=20 windows=12 skip=3
fi
# A server slowed down several-fold by other processes would run for many
# minutes: it is stopped here, and its windows so far still count.
server_time_limit=$((4 * train_seconds + 60))
work=${work:-$repo/runs/bench-$mode-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$work"
for program in apiary apiary-server apiary-synthetic apiary-bench-train; do
  [[ -x $bin_dir/$program ]] || { echo "run.sh: $bin_dir/$program is missing: build it first" >&2; exit 2; }
done
# A server of several ranks runs through mpirun, which refuses root unless told.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

json_value() { "$python" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

# measure NAME COMMAND...: waits for quiet cores, then runs COMMAND,
# recording NAME.quiet and NAME.cpu (the cores others took meanwhile).
measure() {
  local name=$1
  shift
  "$python" "$here/scripts/wait_for_quiet.py" --timeout "$quiet_timeout" >"$work/$name.quiet"
  "$python" "$here/scripts/measure_cpu.py" --out "$work/$name.cpu" -- "$@"
}

# disturbed NAME: other processes took more than max_others cores during it,
# and there is time left to try again (a 2-thread OpenMP loop loses several
# times its speed when a core is taken, so such a number says little).
deadline=$((SECONDS + budget_minutes * 60))
disturbed() {
  local others
  others=$(json_value "$work/$1.cpu" others_cores)
  if "$python" -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$others" "$max_others" \
    && ((SECONDS < deadline)); then
    echo "   disturbed: other processes took $others cores; measuring again"
    return 0
  fi
  return 1
}

# One timed repeat per process: the repeats are interleaved with the server's
# runs instead (see the main loop).
measure_bare() {  # mesh outputs repeat
  local name=bare-$1-$3
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    echo "== $name: apiary-bench-train --outputs $2 (attempt $attempt)"
    measure "$name" "$bin_dir/apiary-bench-train" --outputs "$2" --inputs 5 --hidden 256,256 --batch 64 \
      --threads "$threads" --seconds "$bare_seconds" --warmup-seconds "$warmup_seconds" --repeats 1 \
      --json "$work/$name.json" >"$work/$name.log"
    echo "$attempt" >"$work/$name.attempts"
    ((attempt < attempts)) && disturbed "$name" || break
  done
  echo "   $(json_value "$work/$name.json" median_samples_per_s) samples/s," \
    "others took $(json_value "$work/$name.cpu" others_cores) cores"
}

run_server() {  # mesh ranks repeat sizing...
  local mesh=$1 ranks=$2 n=$3
  shift 3
  local name=server-$mesh-r$ranks-$n
  # The ranks share the cores: together they get the bare loop's threads.
  local sets=(--set "server.threads=$((threads / ranks > 0 ? threads / ranks : 1))")
  for s in "$@"; do sets+=(--set "$s"); done
  if ((ranks > 1)); then sets+=(--set "server.ranks=$ranks"); fi
  local status attempt
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    echo "== $name: apiary run studies/throughput-$mesh.toml ${sets[*]} (attempt $attempt)"
    rm -rf "${work:?}/$name"
    status=0
    measure "$name" timeout --signal=TERM "$server_time_limit" \
      "$bin_dir/apiary" run "$here/studies/throughput-$mesh.toml" --run-dir "$work/$name" --quiet "${sets[@]}" \
      >"$work/$name.log" 2>&1 || status=$?
    echo "$attempt" >"$work/$name.attempts"
    ((status == 0 || status == 124)) && ((attempt < attempts)) && disturbed "$name" || break
  done
  if ((status != 0 && status != 124)); then
    { echo "apiary run exited with $status:"; tail -n 5 "$work/$name.log"; } >"$work/$name.failed"
    cat "$work/$name.failed"
    return 1
  fi
  ((status == 124)) && echo "   stopped after ${server_time_limit} s; its windows so far count"
  if ! "$python" "$here/scripts/server_throughput.py" "$work/$name" --skip "$skip" >"$work/$name.json" \
    2>"$work/$name.failed"; then
    rm -f "$work/$name.json"
    cat "$work/$name.failed"
    return 1
  fi
  rm -f "$work/$name.failed" "$work/$name/model.pt"  # the 500x500 model is 256 MB
  echo "   median $(json_value "$work/$name.json" median_samples_per_s) samples/s," \
    "others took $(json_value "$work/$name.cpu" others_cores) cores"
}

# Paired, interleaved: for each repeat n, the bare loop, then right after it
# the server with 1 and 2 ranks. The machine's speed drifts by 10-30% over
# minutes; a ratio of runs a minute apart is far less affected by it than a
# ratio of medians measured several minutes apart.
for mesh in $meshes; do
  outputs=$((${mesh%x*} * ${mesh#*x}))
  # About 30 samples/s here at 10^6 outputs: a few steps suffice.
  if [[ $mode == full && $outputs -ge 1000000 ]]; then
    bare_seconds=6 train_seconds=12 windows=6 skip=1
  fi
  available=(1 1 1)  # by ranks: a build without server.ranks can't do R=2
  for ((n = 1; n <= repeats; n++)); do
    measure_bare "$mesh" "$outputs" "$n"
    if ((n == 1)); then
      # Every server run of this mesh is sized once, from its first bare
      # run, so the server's repeats all do the same work.
      for ranks in $server_ranks; do
        "$python" "$here/scripts/plan_server_run.py" "$here/studies/throughput-$mesh.toml" \
          --samples-per-s "$(json_value "$work/bare-$mesh-1.json" median_samples_per_s)" \
          --seconds "$train_seconds" --windows "$windows" --ranks "$ranks" >"$work/sizing-$mesh-r$ranks"
      done
    fi
    for ranks in $server_ranks; do
      if ((!available[ranks])); then continue; fi
      mapfile -t sizing <"$work/sizing-$mesh-r$ranks"
      if ! run_server "$mesh" "$ranks" "$n" "${sizing[@]}" && grep -q "server.ranks" "$work/server-$mesh-r$ranks-$n.failed"; then
        echo "   server.ranks is not known to this build: R=$ranks not available"
        available[ranks]=0
      fi
    done
  done
done

source_text="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -n $(git -C "$repo" status --porcelain 2>/dev/null) ]] && source_text+=" with uncommitted changes"
source_text+=", binaries from $bin_dir"
if [[ $mode == smoke ]]; then
  results=$work/results.json
else
  results=$here/results/latest.json
fi
"$python" "$here/scripts/collect_results.py" "$work" --out "$results" --mode "$mode" --meshes $meshes --ranks $server_ranks \
  --source "$source_text" --note "$note"
if [[ $mode == smoke ]]; then
  "$python" "$here/scripts/render_table.py" "$results" --print
else
  "$python" "$here/scripts/render_table.py" "$results" --doc "$repo/docs/benchmarks.md"
  echo "== wrote $results and the table of docs/benchmarks.md"
fi
