# shellcheck shell=bash
# What the two test clusters share (scripts/local-slurm.sh, one node;
# scripts/local-cluster.sh, namespaced hosts): the settings of a minimal
# Slurm without cgroups or accounting, and the handling of the daemons'
# pid files. Sourced; the sourcing script defines say().

# A minimal cluster's settings, for slurm.conf: munge authentication, no
# cgroups (proctrack/linuxproc, task/none), no accounting (no sacct: squeue
# and scontrol instead), cores as the unit of allocation.
slurm_conf_common() {
  cat <<'CONF'
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# Schedule a batch job as soon as it is submitted (the default waits up to 3 s).
SchedulerParameters=batch_sched_delay=0
# A DOWN node returns to service when its slurmd registers again.
ReturnToService=2
# Completed jobs stay visible to squeue and scontrol for this long.
MinJobAge=300
CONF
}

# Whether a process is alive: a killed daemon stays a zombie for a while
# (some machines' init reaps them late), which is dead for us.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# The pid in a pid file, if that process is alive and is `name`.
live_pid() {
  local file=$1 name=$2 pid
  [ -r "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
  echo "$pid"
}

# Sends SIGTERM to the daemons of pid files (file name pairs), together
# (each takes about 2 s to stop; slurmd waits for the job steps still
# ending, up to 10 s for an MPI step killed by a signal), then SIGKILL to
# those alive after 20 s.
stop_daemons() {
  local pids=() names=() pid
  while [ $# -gt 0 ]; do
    if pid=$(live_pid "$1" "$2"); then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$2")
    fi
    shift 2
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  for _ in $(seq 200); do
    local running=0
    for pid in "${pids[@]}"; do alive "$pid" && running=1; done
    [ $running -eq 0 ] && return 0
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    if alive "${pids[$i]}"; then
      say "${names[$i]} (${pids[$i]}) ignored SIGTERM; killing it"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
}
