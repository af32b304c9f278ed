#!/usr/bin/env bash
# A multi-node Slurm cluster on this one machine, for Apiary's multinode
# tests (recipe and measurements: docs/test-cluster.md). Each host is a
# network namespace plus a UTS namespace (its own address and host name),
# joined to the others by veth pairs on one bridge; the file system is shared,
# as a cluster's is. Needs root, iproute2, util-linux and Debian's slurm-wlm
# (scripts/install-deps.sh).
#
#   scripts/local-cluster.sh start [N]      N >= 2 hosts node0..node{N-1} (default 4); no-op when up
#   scripts/local-cluster.sh stop           cancels the jobs, stops every daemon, removes the hosts
#   scripts/local-cluster.sh status         exit 0 when every host's node is up (prints sinfo -N)
#   scripts/local-cluster.sh hosts          one line per host: NAME ADDRESS
#   scripts/local-cluster.sh env            prints the export line for the client commands
#   scripts/local-cluster.sh exec HOST CMD [ARGS...]   runs CMD on HOST (cwd, environment kept)
#   scripts/local-cluster.sh kill-host HOST  the host dies: SIGKILL to its processes, link down
#   scripts/local-cluster.sh cut HOST        network partition: link down, processes keep running
#   scripts/local-cluster.sh heal HOST       link up again after cut
#   scripts/local-cluster.sh revive HOST     after kill-host: link up, slurmd again, node idle
#
# Addresses: APIARY_CLUSTER_SUBNET (default 10.77.0) .10+i/24; the bridge has
# no address, so the root namespace cannot reach the hosts: client commands
# (sbatch, squeue, ...) run inside a host through `exec`, usually node0, which
# also runs slurmctld. Every host runs its own slurmd. State lives in
# APIARY_CLUSTER_DIR (default /tmp/apiary-cluster), with the cluster's own
# munged (own key and socket, in the root namespace, reached by path from
# every host), so scripts/local-slurm.sh can run beside it. One such cluster
# per machine: the namespaces, veths and bridge have fixed names.
#
# kill-host keeps the host's anchor process (which holds its namespaces) so
# that revive reuses the same namespaces; everything else on it is killed.
#
# Exit codes: 0 done; 1 failed; 2 usage; 77 cannot run here (not root,
# slurm/munge/iproute2 missing, network namespaces unavailable): test
# fixtures report that as skipped.
set -euo pipefail

STATE=${APIARY_CLUSTER_DIR:-/tmp/apiary-cluster}
SUBNET=${APIARY_CLUSTER_SUBNET:-10.77.0}
CONF=$STATE/slurm.conf
MUNGE_DIR=$STATE/munge
MUNGE_SOCKET=$MUNGE_DIR/munge.socket
HOSTS_FILE=$STATE/hosts # NAME ADDRESS per line, written first by start
BRIDGE=apcbr0
FRONT=node0 # runs slurmctld; the client commands run here
export SLURM_CONF=$CONF

say() { echo "local-cluster: $*" >&2; }
# shellcheck source=scripts/slurm-daemons.sh
. "$(dirname "${BASH_SOURCE[0]}")/slurm-daemons.sh"
fail() {
  say "$*"
  exit 1
}
cannot_run() {
  say "cannot run here: $*"
  exit 77
}
usage() {
  echo "usage: $0 start [N] | stop | status | hosts | env | exec HOST CMD [ARGS...] |" \
    "kill-host HOST | cut HOST | heal HOST | revive HOST" >&2
  exit 2
}

host_names() { [ -r "$HOSTS_FILE" ] && awk '{ print $1 }' "$HOSTS_FILE"; }
host_address() { awk -v h="$1" '$1 == h { print $2 }' "$HOSTS_FILE"; }
host_dir() { echo "$STATE/nodes/$1"; }
anchor_pid() { live_pid "$(host_dir "$1")/anchor.pid" sleep; }
# The root-namespace end of the host's veth pair: its "cable" (cut, heal).
veth_of() { echo "apc-$1"; }

known_host() {
  [ -r "$HOSTS_FILE" ] || fail "no cluster (no $HOSTS_FILE); run $0 start"
  [ -n "$(host_address "$1")" ] || fail "no host $1 (hosts: $(host_names | tr '\n' ' '))"
}

# Runs a command in a host's namespaces (net, uts, mount: its /etc/hosts) in
# the caller's working directory; nsenter execs it, so its exit code is ours.
in_host() {
  local host=$1 pid
  shift
  pid=$(anchor_pid "$host") || fail "host $host is not running (no anchor process)"
  nsenter -t "$pid" --net --uts --mount --wd="$PWD" -- "$@"
}

# Client commands run on the front host (the root namespace has no route to
# the cluster). Without slurmctld they would retry for seconds: check first.
on_front() {
  live_pid "$(host_dir "$FRONT")/slurmctld.pid" slurmctld >/dev/null || return 1
  in_host "$FRONT" "$@"
}

node_state() { on_front sinfo -h -N -n "$1" -o %t 2>/dev/null | head -n 1; }

node_up() {
  local state
  state=$(node_state "$1") || return 1
  case $state in
    idle | mix | alloc | comp | idle~ | mix- | alloc-) return 0 ;;
  esac
  return 1
}

all_up() {
  local host
  [ -r "$HOSTS_FILE" ] || return 1
  for host in $(host_names); do node_up "$host" || return 1; done
}

require_prerequisites() {
  [ "$(id -u)" -eq 0 ] || cannot_run "must be root (namespaces, bridge, daemons)"
  local command
  for command in ip nsenter unshare munged munge unmunge slurmctld slurmd sinfo scontrol; do
    command -v "$command" >/dev/null || cannot_run "$command not found (scripts/install-deps.sh: iproute2, slurm-wlm)"
  done
  id munge >/dev/null 2>&1 || cannot_run "no munge user (is munge installed?)"
}

ip_to_int() {
  local a b c d
  IFS=. read -r a b c d <<<"$1"
  echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# Refuses a subnet that is not a.b.c or that overlaps an address (with its
# prefix) of the root namespace: the hosts must use addresses of their own.
check_subnet() {
  local octet net cidr addr prefix shorter mask
  [[ $SUBNET =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || fail "APIARY_CLUSTER_SUBNET=$SUBNET is not a.b.c"
  for octet in ${SUBNET//./ }; do [ "$octet" -le 255 ] || fail "APIARY_CLUSTER_SUBNET=$SUBNET is not a.b.c"; done
  net=$(ip_to_int "$SUBNET.0")
  for cidr in $(ip -4 -o addr show | awk '{ print $4 }'); do
    addr=${cidr%/*}
    prefix=${cidr#*/}
    shorter=$((prefix < 24 ? prefix : 24))
    mask=$(((0xffffffff << (32 - shorter)) & 0xffffffff))
    if [ $((net & mask)) -eq $(($(ip_to_int "$addr") & mask)) ]; then
      fail "subnet $SUBNET.0/24 overlaps $cidr of this machine; set APIARY_CLUSTER_SUBNET"
    fi
  done
}

# Each host: a network namespace (ip netns, which also gives it a mount
# namespace with /etc/netns/NAME/hosts over /etc/hosts) and a UTS namespace
# whose host name is the host's name, held by an anchor process.
make_hosts() {
  local n=$1 i host address dir pid
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip link set "$BRIDGE" up
  : >"$STATE/etc-hosts"
  printf '127.0.0.1 localhost\n' >>"$STATE/etc-hosts"
  while read -r host address; do printf '%s %s\n' "$address" "$host" >>"$STATE/etc-hosts"; done <"$HOSTS_FILE"
  for ((i = 0; i < n; i++)); do
    host=node$i
    address=$(host_address "$host")
    dir=$(host_dir "$host")
    mkdir -p "$dir" "/etc/netns/$host"
    cp "$STATE/etc-hosts" "/etc/netns/$host/hosts"
    if ! ip netns list | grep -qw "^$host"; then
      ip netns add "$host" 2>"$dir/netns.err" || cannot_run "ip netns add failed: $(cat "$dir/netns.err")"
    fi
    if ! ip link show "$(veth_of "$host")" >/dev/null 2>&1; then
      ip link add "$(veth_of "$host")" type veth peer name eth0 netns "$host"
      ip link set "$(veth_of "$host")" master "$BRIDGE"
      ip -n "$host" addr add "$address/24" dev eth0
    fi
    ip link set "$(veth_of "$host")" up
    ip -n "$host" link set lo up
    ip -n "$host" link set eth0 up
    if ! anchor_pid "$host" >/dev/null; then
      # The anchor enters the network namespace and makes its own mount and
      # UTS namespaces (nsenter and unshare exec, no fork: $! is the sleep
      # itself). Not through ip netns exec, which mounts a fresh /sys without
      # the cgroup file systems that slurmd needs (even with no cgroup
      # plugin). The mount namespace is a slave of the machine's (mounts there
      # appear here: a shared file system) and has the cluster's /etc/hosts,
      # from /etc/netns/NAME/hosts as ip netns exec would.
      setsid nsenter --net="/run/netns/$host" unshare --mount --propagation slave --uts sh -c \
        "mount --bind /etc/netns/$host/hosts /etc/hosts && hostname $host && exec sleep infinity" \
        </dev/null >/dev/null 2>&1 &
      echo $! >"$dir/anchor.pid"
      for _ in $(seq 50); do
        if pid=$(anchor_pid "$host") && [ "$(nsenter -t "$pid" --uts hostname)" = "$host" ]; then break; fi
        sleep 0.1
      done
      anchor_pid "$host" >/dev/null || fail "the anchor of $host did not start"
    fi
  done
}

write_conf() {
  local n=$1 cpus memory host
  cpus=$(nproc)
  # MiB per host, a share of a little under the total: slurmd drains a node
  # with less memory than configured.
  memory=$(awk -v n="$n" '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 / n }' /proc/meminfo)
  mkdir -p "$STATE/ctld"
  {
    cat <<EOF
# Written by scripts/local-cluster.sh: $n hosts as namespaces for Apiary's multinode tests.
ClusterName=apiary-cluster
SlurmctldHost=$FRONT($(host_address "$FRONT"))
# The cluster's own munged, independent of local-slurm.sh's.
AuthInfo=socket=$MUNGE_SOCKET
EOF
    slurm_conf_common
    cat <<EOF
# Failure detection, short so that the node-loss tests are quick
# (docs/test-cluster.md has the measurements). slurmctld pings every
# SlurmdTimeout/3 s and sets DOWN a node silent for SlurmdTimeout s; its jobs
# end NODE_FAIL. A ping of a dead host waits MessageTimeout (connect:
# TCPTimeout). Not smaller: the 2 shared cores may be busy compiling.
SlurmdTimeout=6
MessageTimeout=3
TCPTimeout=2
# A batch job of a failed node ends NODE_FAIL instead of being requeued: the
# launcher decides what to run again.
JobRequeue=0
StateSaveLocation=$STATE/ctld
SlurmctldPidFile=$STATE/nodes/$FRONT/slurmctld.pid
SlurmctldLogFile=$STATE/nodes/$FRONT/slurmctld.log
SlurmdSpoolDir=$STATE/nodes/%n/spool
SlurmdPidFile=$STATE/nodes/%n/slurmd.pid
SlurmdLogFile=$STATE/nodes/%n/slurmd.log
# A node-local temporary directory: PMIx (srun --mpi=pmix) makes its
# spmix_appdir_UID_JOB.STEP there, which would collide in the shared /tmp
# between the hosts of one step.
TmpFS=$STATE/nodes/%n/tmp
EOF
    for host in $(host_names); do
      echo "NodeName=$host NodeAddr=$(host_address "$host") CPUs=$cpus RealMemory=$memory State=UNKNOWN"
    done
    # node0 is the front host, as a login node is: the default partition
    # (compute) is the other hosts, so that a study's jobs never run where
    # its launcher does and a test may kill any compute host. LLN: a job
    # goes to the least loaded host, so that a study's jobs spread over the
    # hosts instead of filling the first one. Up to 4 jobs share each core:
    # a study's server and simulations run side by side. Partition all has
    # every host, for commands that need them all.
    echo "PartitionName=compute Nodes=$(host_names | tail -n +2 | paste -sd, -) Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4 LLN=YES"
    echo "PartitionName=all Nodes=$(host_names | paste -sd, -) MaxTime=INFINITE State=UP OverSubscribe=FORCE:4"
  } >"$CONF.new"
  mv "$CONF.new" "$CONF"
}

munge_ok() { munge --socket="$MUNGE_SOCKET" -n 2>/dev/null | unmunge --socket="$MUNGE_SOCKET" >/dev/null 2>&1; }

start_munge() {
  munge_ok && return 0
  install -d -o munge -g munge -m 0755 "$MUNGE_DIR"
  if [ ! -s "$MUNGE_DIR/munge.key" ]; then
    dd if=/dev/urandom of="$MUNGE_DIR/munge.key" bs=128 count=1 status=none
    chown munge:munge "$MUNGE_DIR/munge.key"
    chmod 0400 "$MUNGE_DIR/munge.key"
  fi
  runuser -u munge -- /usr/sbin/munged --socket="$MUNGE_SOCKET" --key-file="$MUNGE_DIR/munge.key" \
    --pid-file="$MUNGE_DIR/munged.pid" --log-file="$MUNGE_DIR/munged.log" --seed-file="$MUNGE_DIR/munged.seed"
  for _ in $(seq 50); do
    munge_ok && return 0
    sleep 0.1
  done
  fail "munged did not come up; see $MUNGE_DIR/munged.log"
}

start_slurmctld() {
  local clean=${1:-}
  live_pid "$(host_dir "$FRONT")/slurmctld.pid" slurmctld >/dev/null && return 0
  # shellcheck disable=SC2086 # $clean is empty or -c
  in_host "$FRONT" slurmctld $clean -f "$CONF" </dev/null >/dev/null 2>&1
}

start_slurmd() {
  local host=$1
  live_pid "$(host_dir "$host")/slurmd.pid" slurmd >/dev/null && return 0
  mkdir -p "$(host_dir "$host")/spool" "$(host_dir "$host")/tmp"
  in_host "$host" slurmd -N "$host" -f "$CONF" </dev/null >/dev/null 2>&1
}

# Waits until the hosts' nodes are up, for at most $1 tenths of a second.
wait_up() {
  local tenths=$1 host
  shift
  for _ in $(seq "$tenths"); do
    local up=1
    for host in "$@"; do node_up "$host" || up=0; done
    [ $up -eq 1 ] && return 0
    sleep 0.1
  done
  return 1
}

start() {
  local n=${1:-4}
  if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 2 ]; then usage; fi
  require_prerequisites
  if [ -r "$HOSTS_FILE" ] && [ "$(host_names | wc -l)" -eq "$n" ] && all_up; then
    say "already running: $n hosts; export SLURM_CONF=$CONF"
    return 0
  fi
  if [ -r "$HOSTS_FILE" ] && [ "$(host_names | wc -l)" -ne "$n" ]; then
    fail "a cluster of $(host_names | wc -l) hosts is in $STATE: $0 stop first"
  fi
  check_subnet
  install -d -m 0755 "$STATE"
  local i started
  started=$(date +%s.%N)
  if [ ! -r "$HOSTS_FILE" ]; then
    for ((i = 0; i < n; i++)); do echo "node$i $SUBNET.$((10 + i))"; done >"$HOSTS_FILE"
  fi
  make_hosts "$n"
  start_munge
  local clean=""
  if ! live_pid "$(host_dir "$FRONT")/slurmctld.pid" slurmctld >/dev/null; then
    write_conf "$n"
    clean=-c
  fi
  start_slurmctld $clean
  for host in $(host_names); do start_slurmd "$host"; done
  # shellcheck disable=SC2046
  if wait_up 300 $(host_names); then
    say "up: $n hosts in $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s;" \
      "run commands with $0 exec $FRONT CMD; export SLURM_CONF=$CONF"
    return 0
  fi
  say "the nodes did not come up in 30 s; sinfo says:"
  on_front sinfo -N >&2 || true
  say "logs: $STATE/nodes/*/slurm*.log"
  exit 1
}

# SIGKILL to every process in the host's network namespace but `keep`, until
# none is left (slurmstepd may fork while we kill).
kill_namespace() {
  local host=$1 keep=${2:-} pid left
  ip netns list | grep -qw "^$host" || return 0
  for _ in $(seq 50); do
    left=0
    for pid in $(ip netns pids "$host" 2>/dev/null); do
      [ "$pid" = "$keep" ] && continue
      alive "$pid" || continue
      kill -KILL "$pid" 2>/dev/null || true
      left=1
    done
    [ $left -eq 0 ] && return 0
    sleep 0.1
  done
  say "processes left in $host: $(ip netns pids "$host" | tr '\n' ' ')"
}

stop() {
  local started host hosts=() daemons=()
  started=$(date +%s.%N)
  if [ -r "$HOSTS_FILE" ]; then mapfile -t hosts < <(host_names); fi
  if [ ${#hosts[@]} -gt 0 ] && on_front true 2>/dev/null; then
    # The jobs' processes belong to slurmstepd, which outlives slurmd.
    local jobs
    jobs=$(on_front squeue -h -o %i 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      on_front scancel $jobs 2>/dev/null || true
      for _ in $(seq 50); do
        [ -z "$(on_front squeue -h -o %i 2>/dev/null || true)" ] && break
        sleep 0.1
      done
    fi
  fi
  for host in "${hosts[@]}"; do daemons+=("$(host_dir "$host")/slurmd.pid" slurmd); done
  daemons+=("$(host_dir "$FRONT")/slurmctld.pid" slurmctld)
  stop_daemons "${daemons[@]}"
  stop_daemons "$MUNGE_DIR/munged.pid" munged
  # Whatever is left on the hosts (job steps, anchors, exec'd commands) dies
  # with them; deleting a namespace deletes its end of the veth pair too.
  for host in "${hosts[@]}"; do
    kill_namespace "$host"
    if ip netns list | grep -qw "^$host"; then ip netns delete "$host"; fi
    if ip link show "$(veth_of "$host")" >/dev/null 2>&1; then ip link delete "$(veth_of "$host")"; fi
    rm -rf "/etc/netns/$host"
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
  rmdir /etc/netns 2>/dev/null || true
  rm -f "$HOSTS_FILE"
  say "stopped in $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
}

status() {
  if all_up; then
    on_front sinfo -N
    return 0
  fi
  say "not running (not every host's node is up for $CONF)"
  on_front sinfo -N >&2 2>/dev/null || true
  return 1
}

kill_host() {
  local host=$1 keep
  known_host "$host"
  keep=$(anchor_pid "$host" || true)
  kill_namespace "$host" "$keep"
  ip link set "$(veth_of "$host")" down
  say "$host killed (its anchor $keep keeps the namespaces for revive)"
}

set_link() {
  known_host "$1"
  ip link set "$(veth_of "$1")" "$2"
  say "$1: link $2"
}

revive() {
  local host=$1
  known_host "$host"
  anchor_pid "$host" >/dev/null || fail "host $host has no anchor; $0 stop and start again"
  ip link set "$(veth_of "$host")" up
  [ "$host" = "$FRONT" ] && start_slurmctld
  start_slurmd "$host"
  # ReturnToService=2 resumes the node when slurmd registers; resume it by
  # hand where it was set DOWN for another reason. A restarted slurmctld
  # (node0) recovers its saved node states and must hear from every slurmd.
  local waited=("$host") other
  # shellcheck disable=SC2207
  [ "$host" = "$FRONT" ] && waited=($(host_names))
  if ! wait_up 150 "${waited[@]}"; then
    for other in "${waited[@]}"; do
      node_up "$other" || on_front scontrol update nodename="$other" state=resume 2>/dev/null || true
    done
    wait_up 150 "${waited[@]}" || fail "not back: $(on_front sinfo -h -N -o '%N %t' | tr '\n' ' ' || true)"
  fi
  say "$host revived: $(node_state "$host")"
}

command=${1:-}
[ $# -gt 0 ] && shift
case $command in
  start)
    [ $# -le 1 ] || usage
    start "$@"
    ;;
  stop) stop ;;
  status) status ;;
  hosts)
    [ -r "$HOSTS_FILE" ] || fail "no cluster (no $HOSTS_FILE)"
    cat "$HOSTS_FILE"
    ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  exec)
    [ $# -ge 2 ] || usage
    known_host "$1"
    host=$1
    shift
    pid=$(anchor_pid "$host") || fail "host $host is not running (no anchor process)"
    exec nsenter -t "$pid" --net --uts --mount --wd="$PWD" -- "$@"
    ;;
  kill-host)
    [ $# -eq 1 ] || usage
    kill_host "$1"
    ;;
  cut | heal)
    [ $# -eq 1 ] || usage
    if [ "$command" = cut ]; then set_link "$1" down; else set_link "$1" up; fi
    ;;
  revive)
    [ $# -eq 1 ] || usage
    revive "$1"
    ;;
  *) usage ;;
esac
