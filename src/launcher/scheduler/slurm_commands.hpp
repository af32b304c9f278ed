#pragma once
// What both Slurm back ends share: how often and how long they retry
// Slurm's commands, how they read their output, and how Slurm's job states
// map to a JobStatus. Pure functions, tested without a cluster.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/study_config.hpp"
#include "launcher/scheduler/scheduler.hpp"

namespace apiary::launcher::slurm {

// Exponential backoff: the delay after the n-th failure in a row is
// first * 2^(n-1), at most `longest`; `attempts` tries in all.
// A delay in seconds, for messages ("trying again in 1.5 s").
inline double seconds(std::chrono::milliseconds duration) { return std::chrono::duration<double>(duration).count(); }

struct Backoff {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds longest{60000};
  int attempts = 5;

  std::chrono::milliseconds delay(int failures) const;
};

struct Timing {
  // sbatch, and an srun whose step never started: 5 tries over about 15 s.
  Backoff submit{std::chrono::milliseconds(1000), std::chrono::milliseconds(8000), 5};
  // squeue: 10 failures in a row (about 4 minutes) before the jobs are
  // reported failed.
  Backoff query{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 10};
  // scancel: 3 tries.
  Backoff cancel{std::chrono::milliseconds(500), std::chrono::milliseconds(2000), 3};
  std::chrono::milliseconds command_timeout{30000};  // any one command
  std::chrono::milliseconds cancel_wait{10000};      // for a cancelled job to end
};

// Options common to sbatch and srun: --job-name, --time, the study's
// extra_args are added by each back end.
std::string job_name(const JobSpec& job);  // "apiary-<name>"
// The walltime of this job: scheduler.time for clients, server_time for the server.
const std::string& walltime(const config::SchedulerSection& section, const JobSpec& job);
// The words that start job.argv as an MPI program of job.ranks ranks in an
// allocation: srun --mpi=<mpi> --ntasks=R --kill-on-bad-exit=1, or nothing for one rank.
std::vector<std::string> srun_mpi_options(const config::SchedulerSection& section, int ranks);

// sbatch --parsable prints "<id>" or "<id>;<cluster>".
std::optional<std::string> parse_sbatch_id(const std::string& out);

struct SqueueRecord {
  std::string state;   // RUNNING, COMPLETED, ...
  int raw_status = 0;  // the job's wait status (exit code << 8 | signal)
  std::string reason;  // None, NonZeroExitCode, TimeLimit, ...
};
// The format squeue is asked for, one line per job: "<id>|<state>|<status>|<reason>".
inline constexpr const char* kSqueueFormat = "JobID:|,State:|,exit_code:|,Reason:";
// Lines that do not parse are skipped (and counted in `unparsed`).
std::map<std::string, SqueueRecord> parse_squeue(const std::string& out, int* unparsed = nullptr);

// A Slurm job state as a JobStatus: PENDING and CONFIGURING are queued,
// RUNNING, COMPLETING, SUSPENDED, ... running, COMPLETED succeeded, every
// other state (FAILED, CANCELLED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, ...)
// failed. raw_status is a wait status; exit_code is -1 when it holds none.
JobStatus status_of_state(const std::string& state, int raw_status, const std::string& reason);

// sacct -n -P -X -o JobID,State,ExitCode: "<id>|<state>|<code>:<signal>".
std::optional<JobStatus> parse_sacct(const std::string& out, const std::string& id);

// The line a job step prints first (slurm_allocation_scheduler), and the
// step id ("<job>.<step>") read back from a log.
std::string step_marker_command();
std::optional<std::string> find_step_marker(const std::string& log_text);

}  // namespace apiary::launcher::slurm
