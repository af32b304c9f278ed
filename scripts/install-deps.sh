#!/usr/bin/env bash
# Installs every Debian package Apiary needs to build, test and run its demo.
# Idempotent: packages already present are skipped; apt is only called when
# something is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  # trainer: libtorch (CPU) and a tuned OpenMP BLAS it calls through sgemm_
  libtorch-dev libopenblas0-openmp
  # transport, MPI
  libzmq3-dev cppzmq-dev libopenmpi-dev openmpi-bin
  # configuration, command line, JSON, logs
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libspdlog-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # make fuzz: clang and its libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
  # Python check of the exported model (Debian's interpreter and torch);
  # bench/reference: the Python server built the way Melissa's is
  python3 python3-torch python3-numpy python3-zmq
  # bench/offline: the learning-curve plot (docs/img/online-vs-offline.png)
  python3-matplotlib
  # tests of the Slurm back ends: a real single-node cluster
  # (scripts/local-slurm.sh); brings slurmctld, slurmd, the client commands, munge
  slurm-wlm
  # multinode tests: hosts as network namespaces on a bridge (scripts/local-cluster.sh)
  iproute2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
