#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for the tests of the
# Slurm scheduler back ends (recipe: shared/reference/platform.md, "Local
# Slurm"). Needs root and Debian's slurm-wlm (scripts/install-deps.sh).
#
#   scripts/local-slurm.sh start    munge, slurmctld, slurmd; waits for the node (no-op when up)
#   scripts/local-slurm.sh stop     cancels the cluster's jobs, stops the daemons it started
#   scripts/local-slurm.sh status   exit 0 when sinfo shows the node up
#   scripts/local-slurm.sh env      prints the export line for the client commands
#
# Everything lives in one directory (APIARY_SLURM_DIR, default
# /tmp/apiary-slurm): slurm.conf, pid files, logs, state. The client commands
# (sbatch, squeue, ...) find the configuration through SLURM_CONF, or through
# /etc/slurm/slurm.conf, which start links to ours when there is none (and
# stop removes that link). No cgroups, no accounting (no sacct), no slurmdbd.
#
# Exit codes: 0 done; 1 failed; 77 Slurm cannot run here (not root, or
# slurm-wlm not installed): test fixtures report that as skipped.
set -euo pipefail

STATE=${APIARY_SLURM_DIR:-/tmp/apiary-slurm}
CONF=$STATE/slurm.conf
SYSTEM_CONF=/etc/slurm/slurm.conf
NODE=localhost
export SLURM_CONF=$CONF

say() { echo "local-slurm: $*" >&2; }
# shellcheck source=scripts/slurm-daemons.sh
. "$(dirname "${BASH_SOURCE[0]}")/slurm-daemons.sh"
cannot_run() {
  say "cannot run here: $*"
  exit 77
}

node_up() {
  local state
  # Without our slurmctld, sinfo would retry for seconds.
  live_pid "$STATE/slurmctld.pid" slurmctld >/dev/null || return 1
  state=$(sinfo -h -N -n "$NODE" -o %t 2>/dev/null | head -n 1) || return 1
  case $state in
    idle | mix | alloc | comp | idle~ | mix- | alloc-) return 0 ;;
  esac
  return 1
}

require_prerequisites() {
  [ "$(id -u)" -eq 0 ] || cannot_run "must be root (the daemons run as root and munge)"
  for command in munged slurmctld slurmd sinfo; do
    command -v "$command" >/dev/null || cannot_run "$command not found (apt-get install slurm-wlm, or scripts/install-deps.sh)"
  done
  id munge >/dev/null 2>&1 || cannot_run "no munge user (is munge installed?)"
}

write_conf() {
  local cpus memory
  cpus=$(nproc)
  # MiB, a little under the total: slurmd drains a node with less memory than configured.
  memory=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p "$STATE/ctld" "$STATE/spool"
  {
    cat <<EOF
# Written by scripts/local-slurm.sh: a single-node cluster for Apiary's tests.
ClusterName=apiary-local
SlurmctldHost=$NODE
EOF
    slurm_conf_common
    cat <<EOF
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
# Up to 4 jobs share each core: a study's server and simulations run side by side on a
# small machine, as they do with the local scheduler.
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
  } >"$CONF.new"
  mv "$CONF.new" "$CONF"
  # Let the client commands find it without SLURM_CONF, unless the machine
  # has a configuration of its own.
  if [ ! -e "$SYSTEM_CONF" ] && [ ! -L "$SYSTEM_CONF" ]; then
    mkdir -p "$(dirname "$SYSTEM_CONF")"
    ln -s "$CONF" "$SYSTEM_CONF"
  elif [ "$(readlink "$SYSTEM_CONF" || true)" != "$CONF" ]; then
    say "note: $SYSTEM_CONF is not ours: $0 env gives the SLURM_CONF to export"
  fi
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  if [ ! -s /etc/munge/munge.key ]; then
    install -d -o munge -g munge -m 0700 /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=128 count=1 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 "$STATE/munge"
  runuser -u munge -- /usr/sbin/munged --pid-file="$STATE/munge/munged.pid" \
    --log-file="$STATE/munge/munged.log" --seed-file="$STATE/munge/munged.seed"
  for _ in $(seq 50); do
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  say "munged did not come up; see $STATE/munge/munged.log"
  exit 1
}

start() {
  require_prerequisites
  if live_pid "$STATE/slurmctld.pid" slurmctld >/dev/null && live_pid "$STATE/slurmd.pid" slurmd >/dev/null &&
    node_up; then
    say "already running ($CONF)"
    return 0
  fi
  install -d -m 0755 "$STATE"
  start_munge
  live_pid "$STATE/slurmctld.pid" slurmctld >/dev/null || write_conf
  if ! live_pid "$STATE/slurmctld.pid" slurmctld >/dev/null; then
    slurmctld -c -f "$CONF"
  fi
  if ! live_pid "$STATE/slurmd.pid" slurmd >/dev/null; then
    slurmd -c -N "$NODE" -f "$CONF"
  fi
  for _ in $(seq 300); do
    if node_up; then
      say "up: node $NODE with $(nproc) CPUs; export SLURM_CONF=$CONF"
      return 0
    fi
    sleep 0.1
  done
  say "the node did not come up in 30 s; sinfo says:"
  sinfo -N >&2 || true
  say "logs: $STATE/slurmctld.log, $STATE/slurmd.log"
  exit 1
}

stop() {
  if live_pid "$STATE/slurmctld.pid" slurmctld >/dev/null; then
    # The jobs' processes belong to slurmstepd, which outlives slurmd.
    local jobs
    jobs=$(squeue -h -o %i 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 50); do
        [ -z "$(squeue -h -o %i 2>/dev/null || true)" ] && break
        sleep 0.1
      done
    fi
  fi
  stop_daemons "$STATE/slurmd.pid" slurmd "$STATE/slurmctld.pid" slurmctld
  stop_daemons "$STATE/munge/munged.pid" munged
  if [ "$(readlink "$SYSTEM_CONF" || true)" = "$CONF" ]; then rm -f "$SYSTEM_CONF"; fi
  say "stopped"
}

status() {
  if node_up; then
    sinfo -N
    return 0
  fi
  say "not running (no node up for $CONF)"
  return 1
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
