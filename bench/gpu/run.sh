#!/usr/bin/env bash
# The GPU measurement of docs/benchmarks.md, in one call on a GPU machine:
# builds apiary-bench-train against PyTorch's CUDA libtorch, then measures
# the SC'23 MLP (6 -> 256 -> 256 -> 1000 x 1000, Adam, float32) on one GPU:
# samples/s for a range of batches with the samples in GPU memory (the
# ceiling), and with each batch gathered on the host and copied over (what
# the server does from its buffer), plus the float32 matrix-product bound.
#
#   bench/gpu/run.sh [--out DIR] [--headers DIR] [--seconds S] [--batches "10 64 ..."]
#
# --headers: a directory holding CLI/ and nlohmann/ when the machine lacks
# them (copies of /usr/include/CLI and /usr/include/nlohmann). Writes one
# JSON per measurement, gpu.txt and summary.json under --out.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/gpu/out headers="" seconds=4 batches="10 32 64 128 256 512 1024" host_batches="10 256"
trainer_batches="10 256 1024"
while [[ $# -gt 0 ]]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --headers) headers=$(realpath "$2"); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --host-batches) host_batches=$2; shift 2 ;;
    --trainer-batches) trainer_batches=$2; shift 2 ;;
    *) echo "bench/gpu/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
python=${PYTHON:-python3}
prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' | tee "$out/gpu.txt"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv | tee -a "$out/gpu.txt"

generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S bench/gpu -B build-gpu "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" -DAPIARY_HEADERS="$headers" \
  >"$out/configure.log" 2>&1 || { tail -40 "$out/configure.log"; exit 1; }
cmake --build build-gpu -j "$(nproc)" >"$out/build.log" 2>&1 || { tail -60 "$out/build.log"; exit 1; }

bench=build-gpu/apiary-bench-train
common=(--device cuda --outputs 1000000 --inputs 5 --hidden 256,256 --seconds "$seconds" --warmup-seconds 2 --repeats 3 --threads 8)
first=1
for batch in $batches; do
  matmul=(); [[ $first == 1 ]] && matmul=(--matmul-size 8192) && first=0
  "$bench" "${common[@]}" --batch "$batch" --pool-mb 4096 "${matmul[@]}" --json "$out/device-b$batch.json"
done
for batch in $host_batches; do
  "$bench" "${common[@]}" --batch "$batch" --pool-mb 4096 --batches-from-host --json "$out/host-b$batch.json"
done
# The server's trainer: about 6000 samples a run (at least 20 steps), a
# FIRO buffer twice the batch, each sample drawn 10 times.
for batch in $trainer_batches; do
  steps=$((6000 / batch > 20 ? 6000 / batch : 20)) capacity=$((2 * batch > 256 ? 2 * batch : 256))
  build-gpu/apiary-bench-trainer --device cuda --outputs 1000000 --batch "$batch" --batches "$steps" --threads 8 \
    --capacity "$capacity" --pseudo-epochs 10 --work /tmp/apiary-bench-trainer --json "$out/trainer-b$batch.json"
done
"$python" bench/gpu/summarize.py "$out" | tee "$out/summary.md"
