#include "launcher/scheduler/slurm_jobs_scheduler.hpp"

#include <spdlog/fmt/fmt.h>

#include <csignal>
#include <thread>

#include "launcher/scheduler/process.hpp"

namespace apiary::launcher {
namespace {

std::string joined(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

// scancel's answers that mean there is nothing left to cancel.
bool already_gone(const CommandResult& result) {
  return result.err.find("Invalid job id") != std::string::npos ||
         result.err.find("already completing or completed") != std::string::npos;
}

}  // namespace

SlurmJobsScheduler::SlurmJobsScheduler(config::SchedulerSection section, slurm::Timing timing,
                                       SchedulerWarnings warnings)
    : section_(std::move(section)),
      timing_(timing),
      warnings_(warnings ? std::move(warnings) : [](const std::string&) {}),
      next_refresh_(Clock::now()) {}

SlurmJobsScheduler::~SlurmJobsScheduler() {
  std::vector<std::string> ids;
  for (Job* job : unfinished_submitted()) ids.push_back(job->slurm_id);
  if (!ids.empty()) scancel(ids);
}

std::vector<std::string> SlurmJobsScheduler::sbatch_argv(const JobSpec& job) const {
  std::vector<std::string> argv = {"sbatch", "--parsable", "--job-name=" + slurm::job_name(job),
                                   "--output=" + job.log.string(), "--open-mode=append", "--export=ALL",
                                   // A job whose node failed ends NODE_FAIL
                                   // instead of being requeued by Slurm: the
                                   // launcher relaunches it and counts it.
                                   "--no-requeue", "--ntasks=" + std::to_string(job.ranks)};
  if (!section_.partition.empty()) argv.push_back("--partition=" + section_.partition);
  if (!section_.account.empty()) argv.push_back("--account=" + section_.account);
  if (const auto& time = slurm::walltime(section_, job); !time.empty()) argv.push_back("--time=" + time);
  argv.insert(argv.end(), section_.extra_args.begin(), section_.extra_args.end());
  // The batch script: the program itself (an MPI singleton) or its ranks as
  // one job step.
  std::vector<std::string> command;
  if (job.ranks > 1) {
    command.emplace_back("srun");
    const auto options = slurm::srun_mpi_options(section_, job.ranks);
    command.insert(command.end(), options.begin(), options.end());
  }
  command.insert(command.end(), job.argv.begin(), job.argv.end());
  std::string script = "exec";
  for (const auto& word : command) script += " " + shell_quoted(word);
  argv.push_back("--wrap=" + script);
  return argv;
}

JobId SlurmJobsScheduler::submit(const JobSpec& spec) {
  const JobId id = next_id_++;
  Job& job = jobs_[id];
  job.spec = spec;
  try_submit(job);
  return id;
}

void SlurmJobsScheduler::try_submit(Job& job) {
  const auto result = run_command(sbatch_argv(job.spec), timing_.command_timeout, job.spec.environment);
  const auto id = result.ok() ? slurm::parse_sbatch_id(result.out) : std::nullopt;
  if (id) {
    job.slurm_id = *id;
    job.status = {JobState::queued, 0, ""};
    return;
  }
  ++job.submit_failures;
  const std::string why =
      result.ok() ? "an answer that is not a job id: \"" + result.out + "\"" : result.describe(timing_.command_timeout);
  if (job.submit_failures >= timing_.submit.attempts) {
    job.status = {JobState::failed, -1, fmt::format("sbatch failed {} times; the last: {}", job.submit_failures, why)};
    warnings_(fmt::format("apiary: sbatch failed {} times for {}; giving it up ({})", job.submit_failures,
                          job.spec.name, why));
    return;
  }
  const auto delay = timing_.submit.delay(job.submit_failures);
  job.retry_at = Clock::now() + delay;
  warnings_(fmt::format("warning: sbatch failed for {} ({}); trying again in {} s", job.spec.name, why,
                        slurm::seconds(delay)));
}

JobStatus SlurmJobsScheduler::poll(JobId id) {
  Job& job = jobs_.at(id);
  if (finished(job.status)) return job.status;
  if (job.slurm_id.empty()) {
    if (Clock::now() >= job.retry_at) try_submit(job);
  } else if (Clock::now() >= next_refresh_) {
    refresh();
  }
  return job.status;
}

std::vector<SlurmJobsScheduler::Job*> SlurmJobsScheduler::unfinished_submitted() {
  std::vector<Job*> result;
  for (auto& [id, job] : jobs_) {
    if (!job.slurm_id.empty() && !finished(job.status)) result.push_back(&job);
  }
  return result;
}

void SlurmJobsScheduler::refresh() {
  const auto now = Clock::now();
  next_refresh_ = now + std::chrono::milliseconds(static_cast<long long>(section_.poll_seconds * 1000));
  const auto jobs = unfinished_submitted();
  if (jobs.empty()) return;
  std::vector<std::string> ids;
  for (const Job* job : jobs) ids.push_back(job->slurm_id);
  const auto result = run_command({"squeue", "-h", "-t", "all", "-j", joined(ids, ","), "-O", slurm::kSqueueFormat},
                                  timing_.command_timeout);
  // squeue fails when it knows none of the ids: they are all unlisted.
  const bool none_listed = !result.ok() && !result.timed_out && result.err.find("Invalid job id") != std::string::npos;
  int unparsed = 0;
  const auto records =
      result.ok() ? slurm::parse_squeue(result.out, &unparsed) : std::map<std::string, slurm::SqueueRecord>{};
  if ((!result.ok() && !none_listed) || unparsed > 0) {
    ++query_failures_;
    const std::string why = result.ok() ? fmt::format("{} unreadable lines in its answer", unparsed)
                                        : result.describe(timing_.command_timeout);
    if (query_failures_ >= timing_.query.attempts) {
      warnings_(fmt::format("apiary: squeue failed {} times in a row ({}); the {} unfinished jobs count as failed",
                            query_failures_, why, jobs.size()));
      for (Job* job : jobs) {
        job->status = {JobState::failed, -1,
                       fmt::format("squeue failed {} times in a row; the last: {}", query_failures_, why)};
      }
      return;
    }
    const auto delay = timing_.query.delay(query_failures_);
    next_refresh_ = std::max(next_refresh_, now + delay);
    warnings_(fmt::format("warning: squeue failed ({}); asking again in {} s", why, slurm::seconds(delay)));
    return;
  }
  query_failures_ = 0;
  for (Job* job : jobs) {
    const auto record = records.find(job->slurm_id);
    if (record == records.end()) {
      settle_unlisted(*job);
      continue;
    }
    job->unlisted = 0;
    job->status = slurm::status_of_state(record->second.state, record->second.raw_status, record->second.reason);
  }
}

void SlurmJobsScheduler::settle_unlisted(Job& job) {
  // A job squeue no longer lists (after MinJobAge, or a slurmctld that lost
  // it): three answers in a row, then sacct, then give up on it.
  if (++job.unlisted < 3) return;
  const auto result = run_command({"sacct", "-n", "-P", "-X", "-j", job.slurm_id, "-o", "JobID,State,ExitCode"},
                                  timing_.command_timeout);
  if (result.ok()) {
    if (const auto status = slurm::parse_sacct(result.out, job.slurm_id); status && finished(*status)) {
      job.status = *status;
      return;
    }
  }
  job.status = {JobState::failed, -1,
                fmt::format("Slurm no longer lists job {}, and sacct does not know how it ended ({})", job.slurm_id,
                            result.ok() ? "no record" : result.describe(timing_.command_timeout))};
}

bool SlurmJobsScheduler::scancel(const std::vector<std::string>& ids) {
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  for (int attempt = 1;; ++attempt) {
    const auto result = run_command(argv, timing_.command_timeout);
    if (result.ok() || already_gone(result)) return true;
    if (attempt >= timing_.cancel.attempts) {
      warnings_(fmt::format("apiary: scancel {} failed {} times ({}); cancel them by hand", joined(ids, " "), attempt,
                            result.describe(timing_.command_timeout)));
      return false;
    }
    std::this_thread::sleep_for(timing_.cancel.delay(attempt));
  }
}

void SlurmJobsScheduler::cancel(JobId id) {
  Job& job = jobs_.at(id);
  if (finished(job.status)) return;
  if (job.slurm_id.empty()) {
    job.status = {JobState::failed, -1, "cancelled before Slurm accepted it"};
    return;
  }
  scancel({job.slurm_id});
  // Wait for Slurm to end it, so that its log is complete.
  const auto deadline = Clock::now() + timing_.cancel_wait;
  while (!finished(job.status) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    next_refresh_ = Clock::now();
    refresh();
  }
  if (!finished(job.status)) {
    job.status = {JobState::failed, 128 + SIGTERM,
                  fmt::format("cancelled; Slurm had not ended job {} after {} s", job.slurm_id,
                              slurm::seconds(timing_.cancel_wait))};
  }
}

std::string SlurmJobsScheduler::handle(JobId job) const {
  const Job& submitted = jobs_.at(job);
  return submitted.slurm_id.empty() || finished(submitted.status) ? "" : "slurm:" + submitted.slurm_id;
}

}  // namespace apiary::launcher
