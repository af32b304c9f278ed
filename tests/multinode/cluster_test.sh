#!/usr/bin/env bash
# Checks the multi-node test cluster (scripts/local-cluster.sh, started by the
# multinode_cluster fixture): host names, srun and sbatch across hosts, MPI
# over TCP between hosts through PMIx, a host killed and revived, a host cut
# off and healed. Every client command runs on the front host node0.
#
#   cluster_test.sh LOCAL_CLUSTER_SH HOST_RING_BINARY
#
# Exit 0 passed, 1 failed, 77 skipped (no cluster here).
set -euo pipefail

CLUSTER=$1
HOST_RING=$2
VICTIM=node3 # the host killed and cut (node0 runs slurmctld)

say() { echo "cluster_test: $*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}
on() {
  local host=$1
  shift
  "$CLUSTER" exec "$host" "$@"
}
front() { on node0 "$@"; }

if ! "$CLUSTER" status >/dev/null 2>&1; then
  say "skipped: the cluster is not up (multinode_cluster_start skipped or failed)"
  exit 77
fi

# Whatever fails below, the victim comes back and no test job is left, so
# that the next test finds a whole, idle cluster.
jobs_to_cancel=()
cleanup() {
  "$CLUSTER" heal "$VICTIM" >/dev/null 2>&1 || true
  if [ ${#jobs_to_cancel[@]} -gt 0 ]; then front scancel "${jobs_to_cancel[@]}" >/dev/null 2>&1 || true; fi
  "$CLUSTER" status >/dev/null 2>&1 || "$CLUSTER" revive "$VICTIM" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Seconds since the epoch, with tenths.
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# Waits up to $2 s for job $1 to be in state $3 (as scontrol prints it).
wait_job_state() {
  local job=$1 limit=$2 want=$3 state=""
  local deadline=$(($(date +%s) + limit))
  while [ "$(date +%s)" -le "$deadline" ]; do
    state=$(front scontrol show job "$job" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) || true
    [ "$state" = "$want" ] && return 0
    sleep 0.2
  done
  say "job $job is $state after $limit s, not $want"
  return 1
}

submit_on_victim() {
  local job
  job=$(front sbatch --parsable -w "$VICTIM" -o /dev/null --wrap 'sleep 600')
  jobs_to_cancel+=("$job")
  wait_job_state "$job" 20 RUNNING || fail "job $job did not start on $VICTIM"
  echo "$job"
}

# 1. Four hosts, each resolving the others' names to their addresses.
mapfile -t hosts < <("$CLUSTER" hosts)
[ ${#hosts[@]} -eq 4 ] || fail "hosts lists ${#hosts[@]} hosts, not 4: ${hosts[*]}"
for line in "${hosts[@]}"; do
  read -r name address <<<"$line"
  [ "$(on "$name" hostname)" = "$name" ] || fail "$name's hostname is $(on "$name" hostname)"
  for other in "${hosts[@]}"; do
    other=${other%% *}
    resolved=$(on "$other" getent hosts "$name" | awk '{ print $1 }')
    [ "$resolved" = "$address" ] || fail "$other resolves $name to '$resolved', not $address"
  done
done
say "ok: 4 hosts, names resolved everywhere"

# 2. srun places one task on each host.
distinct=$(front srun -p all -N4 hostname | sort -u | wc -l)
[ "$distinct" -eq 4 ] || fail "srun -N4 hostname printed $distinct distinct names"
say "ok: srun -N4 ran on 4 hosts"

# 3. MPI between two hosts (Open MPI over TCP, PMIx from srun).
front srun --mpi=pmix -N2 -n2 "$HOST_RING" 2 || fail "host_ring across 2 hosts"
front srun -p all --mpi=pmix -N4 -n8 "$HOST_RING" 4 || fail "host_ring, 8 ranks on 4 hosts"
say "ok: MPI across hosts"

# 4. A batch job over 3 hosts runs srun steps on all of them.
script=$(mktemp /tmp/apiary-cluster-test.XXXXXX)
out=$script.out
cat >"$script" <<'EOF'
#!/bin/bash
srun hostname
srun -N3 -n3 hostname
EOF
front sbatch -N3 --wait -o "$out" "$script" >/dev/null || fail "sbatch -N3 --wait: $(cat "$out")"
steps=$(sort -u "$out" | wc -l)
rm -f "$script" "$out"
[ "$steps" -eq 3 ] || fail "the batch job's steps ran on $steps hosts, not 3"
say "ok: sbatch -N3 with srun steps on its 3 hosts"

# 5. A host dies: its job ends NODE_FAIL, the node is DOWN; revived, it is idle again.
job=$(submit_on_victim)
started=$(now)
"$CLUSTER" kill-host "$VICTIM"
wait_job_state "$job" 30 NODE_FAIL || fail "the job on the killed $VICTIM did not end NODE_FAIL"
say "ok: job $job NODE_FAIL $(since "$started") s after kill-host $VICTIM"
state=$(front sinfo -h -N -p compute -n "$VICTIM" -o %t)
[[ $state == down* ]] || fail "$VICTIM is $state after kill-host, not down"
started=$(now)
"$CLUSTER" revive "$VICTIM"
state=$(front sinfo -h -N -p compute -n "$VICTIM" -o %t)
[ "$state" = idle ] || fail "$VICTIM is $state after revive, not idle"
front srun -w "$VICTIM" hostname >/dev/null || fail "srun on the revived $VICTIM"
say "ok: $VICTIM idle $(since "$started") s after revive"

# 6. A short cut (under SlurmdTimeout): the job survives, the node stays up.
job=$(submit_on_victim)
"$CLUSTER" cut "$VICTIM"
sleep 2
"$CLUSTER" heal "$VICTIM"
sleep 4
state=$(front scontrol show job "$job" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
[ "$state" = RUNNING ] || fail "job $job is $state after a 2 s cut, not RUNNING"
front scancel "$job"
say "ok: job $job still RUNNING after a 2 s cut of $VICTIM"

# 7. A long cut (over SlurmdTimeout): the job ends NODE_FAIL while cut off;
# healed, the node returns to service by itself (ReturnToService=2).
job=$(submit_on_victim)
started=$(now)
"$CLUSTER" cut "$VICTIM"
wait_job_state "$job" 30 NODE_FAIL || fail "the job on the cut $VICTIM did not end NODE_FAIL"
say "ok: job $job NODE_FAIL $(since "$started") s after cutting $VICTIM"
started=$(now)
"$CLUSTER" heal "$VICTIM"
deadline=$(($(date +%s) + 30))
until [ "$(front sinfo -h -N -p compute -n "$VICTIM" -o %t)" = idle ]; do
  [ "$(date +%s)" -le "$deadline" ] || fail "$VICTIM not idle 30 s after heal: $(front sinfo -h -N -p compute -n "$VICTIM" -o %t)"
  sleep 0.2
done
say "ok: $VICTIM idle $(since "$started") s after heal"
"$CLUSTER" status >/dev/null || fail "the cluster is not whole at the end"
say "passed"
