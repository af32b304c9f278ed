#pragma once
// scheduler.kind = "slurm", mode = "allocation": the launcher runs inside a
// Slurm allocation (salloc, or an sbatch script) and starts every job as a
// job step of it, with srun, instead of queueing thousands of jobs.
//
// - submit: `srun --exclusive --ntasks=R` (dedicated CPUs of the allocation
//   for each step; a step waits while they are busy; without --exclusive
//   when extra_args has --overlap, which shares them) with the job's name,
//   the MPI plugin (scheduler.mpi), the walltime and extra_args, as a child
//   process of the launcher whose output goes to the job's log.
// - The step first runs `sh -c`, whose rank 0 prints "apiary: job step
//   <job>.<step> started on <node>" to the log and then execs the program.
//   That line tells a step that ran (its exit code is the program's) from an
//   srun that failed before its step started (a scheduler failure, retried
//   with backoff; failed after every try), and gives the step id to cancel.
// - poll: waitpid on srun, no Slurm command. queued until the step started.
// - cancel: scancel of the step (known from its line, or looked up by name
//   with squeue when srun was still launching it), again each second until
//   srun ends (a cancel that reaches a step still launching is lost), then
//   squeue until Slurm no longer lists the step. An srun without a step is
//   first stopped (SIGSTOP), so that it cannot get one while it is looked
//   up, then killed; SIGKILL to srun if it has not ended within cancel_wait.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "launcher/scheduler/scheduler.hpp"
#include "launcher/scheduler/slurm_commands.hpp"

namespace apiary::launcher {

class SlurmAllocationScheduler final : public Scheduler {
 public:
  // allocation: the launcher's SLURM_JOB_ID.
  SlurmAllocationScheduler(config::SchedulerSection section, std::string allocation, slurm::Timing timing = {},
                           SchedulerWarnings warnings = {});
  ~SlurmAllocationScheduler() override;  // cancels every step not finished
  SlurmAllocationScheduler(const SlurmAllocationScheduler&) = delete;
  SlurmAllocationScheduler& operator=(const SlurmAllocationScheduler&) = delete;

  JobId submit(const JobSpec& job) override;
  JobStatus poll(JobId job) override;
  void cancel(JobId job) override;
  std::string handle(JobId job) const override;

  // The srun command line of a job (for tests and messages).
  std::vector<std::string> srun_argv(const JobSpec& job) const;

 private:
  using Clock = std::chrono::steady_clock;

  struct Step {
    JobSpec spec;
    pid_t pid = -1;                   // srun; -1 while waiting to retry
    std::uintmax_t log_offset = 0;    // the log's size when this srun started
    std::optional<std::string> step;  // "<job>.<step>" once the step started
    int launch_failures = 0;          // sruns whose step never started
    Clock::time_point retry_at;
    Clock::time_point next_look;  // at the log, for the marker
    std::optional<JobStatus> finished;
  };

  void launch(Step& step);
  void look_for_marker(Step& step, bool now = false);
  void exited(Step& step, int wait_status);
  // The id of the allocation's step named after this job (squeue), if any.
  std::optional<std::string> step_named(const Step& step) const;
  bool scancel(const std::string& step) const;  // with retries
  // SIGSTOP to srun: 0 once it is stopped, else what waitpid said (it ended).
  pid_t freeze(const Step& step, int& wait_status) const;
  // Until squeue no longer lists the step (or the deadline).
  void wait_until_gone(const std::string& step_id, Clock::time_point deadline) const;

  config::SchedulerSection section_;
  std::string allocation_;
  slurm::Timing timing_;
  SchedulerWarnings warnings_;
  std::map<JobId, Step> steps_;
  JobId next_id_ = 1;
};

}  // namespace apiary::launcher
