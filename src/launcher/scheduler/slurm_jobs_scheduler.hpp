#pragma once
// scheduler.kind = "slurm", mode = "jobs": every job (each simulation, the
// server) is a Slurm batch job of its own, submitted with sbatch.
//
// - submit: `sbatch --parsable` with the job's name, its log as --output
//   (appended), --no-requeue (the launcher, not Slurm, relaunches a job
//   whose node failed), --ntasks, the study's partition, account, walltime and
//   extra_args; the batch script execs the program, through `srun --mpi=...`
//   when it has several ranks. sbatch runs with the job's environment added
//   to the launcher's, and --export=ALL passes it on.
// - poll: answers from a cache. At most every poll_seconds one `squeue -t
//   all` asks for every unfinished job at once (state and exit status). A
//   job squeue no longer lists (Slurm forgets finished jobs after
//   MinJobAge) is looked up with sacct, when the cluster has accounting.
// - cancel: scancel, then waits a little for Slurm to end the job.
// - Failures of sbatch, squeue and scancel (exit codes, time-outs, output
//   that does not parse) are retried with backoff without blocking the
//   launcher (Timing); a submission that fails every try makes the job
//   failed, squeue failing for minutes makes every unfinished job failed.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "launcher/scheduler/scheduler.hpp"
#include "launcher/scheduler/slurm_commands.hpp"

namespace apiary::launcher {

class SlurmJobsScheduler final : public Scheduler {
 public:
  explicit SlurmJobsScheduler(config::SchedulerSection section, slurm::Timing timing = {},
                              SchedulerWarnings warnings = {});
  ~SlurmJobsScheduler() override;  // scancel of every job not finished
  SlurmJobsScheduler(const SlurmJobsScheduler&) = delete;
  SlurmJobsScheduler& operator=(const SlurmJobsScheduler&) = delete;

  JobId submit(const JobSpec& job) override;
  JobStatus poll(JobId job) override;
  void cancel(JobId job) override;
  std::string handle(JobId job) const override;

  // The sbatch command line of a job (for tests and messages).
  std::vector<std::string> sbatch_argv(const JobSpec& job) const;
  // Slurm's id of a submitted job, empty before.
  std::string slurm_id(JobId job) const { return jobs_.at(job).slurm_id; }

 private:
  using Clock = std::chrono::steady_clock;

  struct Job {
    JobSpec spec;
    std::string slurm_id;     // empty until sbatch succeeded
    int submit_failures = 0;  // sbatch failures so far
    Clock::time_point retry_at;
    JobStatus status{JobState::queued, 0, ""};
    int unlisted = 0;  // squeue answers in a row that did not list it
  };

  void try_submit(Job& job);
  void refresh();  // one squeue for every unfinished job
  void settle_unlisted(Job& job);
  std::vector<Job*> unfinished_submitted();
  bool scancel(const std::vector<std::string>& ids);

  config::SchedulerSection section_;
  slurm::Timing timing_;
  SchedulerWarnings warnings_;
  std::map<JobId, Job> jobs_;
  JobId next_id_ = 1;
  Clock::time_point next_refresh_;
  int query_failures_ = 0;  // squeue failures in a row
};

}  // namespace apiary::launcher
