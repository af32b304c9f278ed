#!/usr/bin/env bash
# The fuzzing part of `make fuzz` (docs/fuzzing.md), once the fuzz targets
# are built in BUILD_DIR:
#   1. the seeds in fuzz/corpus/ must be what make_fuzz_corpus writes;
#   2. each fuzzer replays its whole corpus;
#   3. each fuzzer runs SECONDS seconds, writing the inputs it finds to
#      BUILD_DIR/fuzz/TARGET/corpus (fuzz/corpus/ is only read).
# Fails on the first crash, leak, timeout or out-of-memory; the input that
# caused it is in BUILD_DIR/fuzz/TARGET/artifacts/.
# Usage: fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build_dir=$(realpath "${1:?usage: fuzz/run.sh BUILD_DIR SECONDS}")
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS}
cd "$(dirname "$0")/.."

seeds=$build_dir/fuzz/seeds
rm -rf "$seeds"
"$build_dir/bin/make_fuzz_corpus" "$seeds"
for target in decode reassembly; do
  for seed in "$seeds/$target"/seed-* fuzz/corpus/"$target"/seed-*; do
    name=$(basename "$seed")
    if ! cmp -s "$seeds/$target/$name" "fuzz/corpus/$target/$name"; then
      echo "fuzz: fuzz/corpus/$target/$name differs from what make_fuzz_corpus writes;" \
        "regenerate the seeds (docs/fuzzing.md)" >&2
      exit 1
    fi
  done
done

for target in decode reassembly; do
  fuzzer=$build_dir/bin/${target}_fuzzer
  work=$build_dir/fuzz/$target
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  options=(-timeout=10 -print_final_stats=1 -artifact_prefix="$work/artifacts/")

  echo "fuzz: $target: replaying fuzz/corpus/$target ($(ls fuzz/corpus/$target | wc -l) inputs)"
  if ! "$fuzzer" "${options[@]}" -runs=0 "fuzz/corpus/$target" >"$work/replay.log" 2>&1; then
    tail -n 60 "$work/replay.log" >&2
    echo "fuzz: $target failed on its corpus (log: $work/replay.log)" >&2
    exit 1
  fi

  echo "fuzz: $target: fuzzing for $seconds s"
  if ! "$fuzzer" "${options[@]}" -max_total_time="$seconds" "$work/corpus" "fuzz/corpus/$target" \
    >"$work/fuzz.log" 2>&1; then
    tail -n 80 "$work/fuzz.log" >&2
    echo "fuzz: $target crashed; reproducer in $work/artifacts/ (log: $work/fuzz.log)" >&2
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE' "$work/fuzz.log" | tail -n 1 || true
  grep -E '^stat::(average_exec_per_sec|new_units_added|peak_rss_mb)' "$work/fuzz.log" || true
done
echo "fuzz: no crash, no leak"
