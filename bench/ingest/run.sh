#!/usr/bin/env bash
# Ingest throughput: the server's reception vs bare ZeroMQ vs memcpy
# (bench/ingest/README.md).
#
#   bench/ingest/run.sh            the full suite, about 3 min on 2 cores: writes
#                                  bench/results/ingest.json and the table of docs/benchmarks.md
#   bench/ingest/run.sh --smoke    every step on tiny fields (CI, seconds); writes
#                                  only under its work directory
#
# Options: --bin-dir DIR (default build/bin: apiary-bench-ingest,
# apiary-bench-raw-client, apiary-synthetic), --work DIR (default
# runs/bench-ingest-<time>), --out FILE (the results), --repeats N (default
# 3), --values "10000 262144 2097152" (float32 per field: 40 KB, 1 MB,
# 8 MB), --clients "1 4 16", --stream-ms MS (default 1500: how long the
# clients stream together in each measurement, once all of them are
# sending), --note TEXT (kept in the results).
#
# For each field size, each client count and each repeat n: raw-n (bare
# ZeroMQ) then at once apiary-n (the server's ingest), the same clients'
# bytes for the same time; the ratio is the median over n of apiary n /
# raw n, so that the machine's drift over minutes cancels out.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
python=/usr/bin/python3  # Debian's, whatever python3 PATH finds first
mode=full
bin_dir=$repo/build/bin
work=""
out=""
repeats=3
values="10000 262144 2097152"
clients="1 4 16"
stream_ms=1500
note=""
while (($#)); do
  case $1 in
    --smoke) mode=smoke ;;
    --bin-dir) bin_dir=$(cd "$2" && pwd); shift ;;
    --work) work=$2; shift ;;
    --out) out=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --values) values=$2; shift ;;
    --clients) clients=$2; shift ;;
    --stream-ms) stream_ms=$2; shift ;;
    --note) note=$2; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $mode == smoke ]]; then
  repeats=1 values="1000 65536" clients="1 2" stream_ms=200 memcpy_mb=16
else
  memcpy_mb=256
fi
work=${work:-$repo/runs/bench-ingest-$mode-$(date +%Y%m%d-%H%M%S)}
if [[ -z $out ]]; then
  [[ $mode == smoke ]] && out=$work/results.json || out=$repo/bench/results/ingest.json
fi
mkdir -p "$work"
for program in apiary-bench-ingest apiary-bench-raw-client apiary-synthetic; do
  [[ -x $bin_dir/$program ]] || { echo "run.sh: $bin_dir/$program is missing: build it first" >&2; exit 2; }
done

# measure NAME ARGS...: one apiary-bench-ingest run, with the cores other
# processes took meanwhile (NAME.cpu); a failure is recorded, not fatal.
measure() {
  local name=$1
  shift
  if ! "$python" "$repo/bench/scripts/measure_cpu.py" --out "$work/$name.cpu" -- \
    "$bin_dir/apiary-bench-ingest" "$@" --json "$work/$name.json" --log-dir "$work/logs/$name" \
    >"$work/$name.log" 2>&1; then
    tail -n 3 "$work/$name.log" | tee "$work/$name.failed"
    rm -f "$work/$name.json"
    return 0
  fi
  echo "   $(tail -n 1 "$work/$name.log")"
}

echo "== memcpy, $memcpy_mb MB"
measure memcpy --mode memcpy --memcpy-mb "$memcpy_mb"

for v in $values; do
  for c in $clients; do
    for ((n = 1; n <= repeats; n++)); do
      echo "== $v values, $c clients, repeat $n"
      measure "raw-$v-c$c-$n" --mode raw --client "$bin_dir/apiary-bench-raw-client" --clients "$c" --values "$v" \
        --stream-ms "$stream_ms"
      measure "apiary-$v-c$c-$n" --mode apiary --client "$bin_dir/apiary-synthetic" --clients "$c" --values "$v" \
        --stream-ms "$stream_ms"
    done
  done
done

source_text="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -n $(git -C "$repo" status --porcelain 2>/dev/null) ]] && source_text+=" with uncommitted changes"
source_text+=", binaries from $bin_dir"
read -ra value_list <<<"$values"
read -ra client_list <<<"$clients"
doc=()
[[ $mode == full ]] && doc=(--doc "$repo/docs/benchmarks.md")
"$python" "$here/collect.py" "$work" --out "$out" --mode "$mode" --values "${value_list[@]}" --clients "${client_list[@]}" \
  --repeats "$repeats" --source "$source_text" --note "$note" "${doc[@]}"
echo "== wrote $out"
