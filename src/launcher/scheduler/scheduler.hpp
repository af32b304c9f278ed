#pragma once
// How the launcher runs a job (a client or the server): submit, poll,
// cancel. Back ends, one file each: local processes (local_scheduler),
// Slurm batch jobs (slurm_jobs_scheduler), Slurm job steps inside the
// launcher's own allocation (slurm_allocation_scheduler). Failures of the
// scheduler's own commands (sbatch, squeue, srun, ...) are expected events:
// they are retried with backoff and, when they persist, returned as states,
// never thrown, so that a study survives them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/study_config.hpp"

namespace apiary::launcher {

using JobEnvironment = std::map<std::string, std::string>;

// Which of the study's walltimes applies (scheduler.time, scheduler.server_time).
enum class JobRole { client, server };

struct JobSpec {
  std::string name;  // unique among the launcher's jobs ("server", "simulation-12"); Slurm's job name
  JobRole role = JobRole::client;
  std::vector<std::string> argv;  // argv[0] resolved to a path
  JobEnvironment environment;     // added to the launcher's own
  std::filesystem::path log;      // stdout and stderr, appended; absolute
  int ranks = 1;                  // > 1: an MPI job (mpirun locally, srun under Slurm)
};

// queued: submitted, waiting for resources (a pending Slurm job, a step
// waiting for CPUs of the allocation, a submission waiting to be retried).
enum class JobState { queued, running, succeeded, failed };

struct JobStatus {
  JobState state = JobState::running;
  int exit_code = 0;   // failed: exit code, 128 + signal, or -1 when there is none (the job never ran)
  std::string detail;  // failed: what the scheduler said, e.g. "Slurm state TIMEOUT (TimeLimit)"
};

// Succeeded or failed: the job is over.
inline bool finished(const JobStatus& status) {
  return status.state == JobState::succeeded || status.state == JobState::failed;
}

using JobId = std::uint64_t;

class Scheduler {
 public:
  virtual ~Scheduler() = default;  // cancels the jobs still running
  // Throws apiary::Error only when the job can never start here (a local
  // executable that cannot be run); a failing scheduler command is a state.
  virtual JobId submit(const JobSpec& job) = 0;
  // Cheap: called every few milliseconds per job. Back ends that ask a
  // scheduler answer from a cache refreshed every scheduler.poll_seconds.
  virtual JobStatus poll(JobId job) = 0;
  virtual void cancel(JobId job) = 0;  // terminates the job and everything it started
  // What names the job outside this launcher ("local:PGID:START",
  // "slurm:JOBID"), kept in launcher.json so that a launcher resuming the
  // study can cancel a job that outlived its own launcher; empty when
  // there is none (yet).
  virtual std::string handle(JobId job) const = 0;
};

// Cancels the job a handle names if it still runs (a local process group
// whose leader started at the same time; a Slurm job). Never throws.
void cancel_leftover(const std::string& handle);

// Where a back end tells of its scheduler's commands failing (retried, or
// given up): one line for the user, shown by the launcher's reporter, as
// the back ends write nothing themselves. Empty: not told.
using SchedulerWarnings = std::function<void(const std::string& line)>;

// The back end of scheduler.kind and scheduler.mode. Throws
// apiary::ConfigError when it cannot work here (require_usable_scheduler).
std::unique_ptr<Scheduler> make_scheduler(const config::SchedulerSection& section, SchedulerWarnings warnings);

// Checks, before anything starts, that the back end can work here: Slurm's
// commands on PATH; for mode "allocation", a launcher inside an allocation
// (SLURM_JOB_ID set). Throws apiary::ConfigError naming the key.
void require_usable_scheduler(const config::SchedulerSection& section);

}  // namespace apiary::launcher
