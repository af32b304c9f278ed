#include "launcher/scheduler/slurm_allocation_scheduler.hpp"

#include <signal.h>
#include <spdlog/fmt/fmt.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "launcher/scheduler/process.hpp"

namespace apiary::launcher {
namespace {

constexpr auto kMarkerLookPeriod = std::chrono::milliseconds(200);
constexpr std::uintmax_t kLogWindow = 64 * 1024;  // bytes of the log read at once
// A cancel lost by a step still launching is sent again this often.
constexpr auto kRecancelPeriod = std::chrono::milliseconds(1000);
constexpr auto kGonePollPeriod = std::chrono::milliseconds(100);  // squeue, for a cancelled step
constexpr auto kFreezeWait = std::chrono::milliseconds(1000);     // for SIGSTOP to take effect

// What the log got since offset (its first kLogWindow bytes).
std::string log_since(const std::filesystem::path& log, std::uintmax_t offset) {
  std::ifstream in(log, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(offset));
  std::string text(kLogWindow, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// srun's own complaint, if any: its last "srun: error:" line, else the last line.
std::string srun_complaint(const std::string& log_text) {
  std::string last;
  std::string error;
  std::istringstream lines(log_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    last = line;
    if (line.rfind("srun: error:", 0) == 0) error = line;
  }
  return error.empty() ? last : error;
}

}  // namespace

SlurmAllocationScheduler::SlurmAllocationScheduler(config::SchedulerSection section, std::string allocation,
                                                   slurm::Timing timing, SchedulerWarnings warnings)
    : section_(std::move(section)),
      allocation_(std::move(allocation)),
      timing_(timing),
      warnings_(warnings ? std::move(warnings) : [](const std::string&) {}) {}

SlurmAllocationScheduler::~SlurmAllocationScheduler() {
  for (auto& [id, step] : steps_) {
    if (!step.finished) cancel(id);
  }
}

std::vector<std::string> SlurmAllocationScheduler::srun_argv(const JobSpec& job) const {
  std::vector<std::string> argv = {"srun", "--jobid=" + allocation_, "--job-name=" + slurm::job_name(job)};
  // Dedicated CPUs for each step, unless the study lets steps share them
  // (srun refuses --exclusive with --overlap).
  const auto& extra = section_.extra_args;
  if (std::find(extra.begin(), extra.end(), "--overlap") == extra.end()) argv.emplace_back("--exclusive");
  // Even one rank needs the MPI plugin: an Open MPI singleton cannot start
  // in a step without PMI (shared/reference/platform.md).
  const auto mpi = slurm::srun_mpi_options(section_, job.ranks);
  argv.insert(argv.end(), mpi.begin(), mpi.end());
  if (const auto& time = slurm::walltime(section_, job); !time.empty()) argv.push_back("--time=" + time);
  argv.insert(argv.end(), section_.extra_args.begin(), section_.extra_args.end());
  argv.insert(argv.end(), {"/bin/sh", "-c", slurm::step_marker_command(), "apiary-step"});
  argv.insert(argv.end(), job.argv.begin(), job.argv.end());
  return argv;
}

JobId SlurmAllocationScheduler::submit(const JobSpec& job) {
  const JobId id = next_id_++;
  Step& step = steps_[id];
  step.spec = job;
  launch(step);
  return id;
}

void SlurmAllocationScheduler::launch(Step& step) {
  std::error_code ignored;
  const auto size = std::filesystem::file_size(step.spec.log, ignored);
  step.log_offset = ignored ? 0 : size;
  step.step.reset();
  step.next_look = Clock::now();
  try {
    step.pid = spawn_logged(srun_argv(step.spec), step.spec.environment, step.spec.log);
  } catch (const Error& error) {
    // As an srun that failed at once: retried, then failed.
    step.pid = -1;
    ++step.launch_failures;
    if (step.launch_failures >= timing_.submit.attempts) {
      step.finished = JobStatus{JobState::failed, -1, error.what()};
    } else {
      step.retry_at = Clock::now() + timing_.submit.delay(step.launch_failures);
    }
  }
}

void SlurmAllocationScheduler::look_for_marker(Step& step, bool now) {
  if (step.step || (!now && Clock::now() < step.next_look)) return;
  step.next_look = Clock::now() + kMarkerLookPeriod;
  step.step = slurm::find_step_marker(log_since(step.spec.log, step.log_offset));
}

void SlurmAllocationScheduler::exited(Step& step, int wait_status) {
  look_for_marker(step, true);
  JobStatus status = status_of_wait(wait_status);
  step.pid = -1;
  if (step.step || status.state == JobState::succeeded) {
    if (status.state == JobState::failed) status.detail = "job step " + *step.step;
    step.finished = status;
    return;
  }
  // srun ended before its step started: Slurm's failure, not the program's.
  ++step.launch_failures;
  const std::string complaint = srun_complaint(log_since(step.spec.log, step.log_offset));
  const std::string why = fmt::format("exit code {}{}", status.exit_code, complaint.empty() ? "" : ": " + complaint);
  if (step.launch_failures >= timing_.submit.attempts) {
    step.finished =
        JobStatus{JobState::failed, status.exit_code,
                  fmt::format("srun failed {} times before its step started; the last: {}", step.launch_failures, why)};
    warnings_(fmt::format("apiary: srun failed {} times for {}; giving it up ({})", step.launch_failures,
                          step.spec.name, why));
    return;
  }
  const auto delay = timing_.submit.delay(step.launch_failures);
  step.retry_at = Clock::now() + delay;
  warnings_(fmt::format("warning: srun failed for {} before its step started ({}); trying again in {} s",
                        step.spec.name, why, slurm::seconds(delay)));
}

std::optional<std::string> SlurmAllocationScheduler::step_named(const Step& step) const {
  const auto result = run_command({"squeue", "-h", "-s", "-j", allocation_, "-o", "%i %j"}, timing_.command_timeout);
  if (!result.ok()) return std::nullopt;
  std::istringstream lines(result.out);
  for (std::string id, name; lines >> id >> name;) {
    if (name == slurm::job_name(step.spec)) return id;
  }
  return std::nullopt;
}

bool SlurmAllocationScheduler::scancel(const std::string& step) const {
  for (int attempt = 1;; ++attempt) {
    if (run_command({"scancel", step}, timing_.command_timeout).ok()) return true;
    if (attempt >= timing_.cancel.attempts) return false;
    std::this_thread::sleep_for(timing_.cancel.delay(attempt));
  }
}

JobStatus SlurmAllocationScheduler::poll(JobId id) {
  Step& step = steps_.at(id);
  if (step.finished) return *step.finished;
  if (step.pid < 0) {
    if (Clock::now() >= step.retry_at) launch(step);
    return step.finished.value_or(JobStatus{JobState::queued, 0, ""});
  }
  int wait_status = 0;
  const pid_t done = ::waitpid(step.pid, &wait_status, WNOHANG);
  if (done == step.pid) {
    exited(step, wait_status);
    return step.finished.value_or(JobStatus{JobState::queued, 0, ""});
  }
  if (done < 0 && errno == ECHILD) {
    step.finished = JobStatus{JobState::failed, -1, "lost track of srun"};
    return *step.finished;
  }
  look_for_marker(step);
  return {step.step ? JobState::running : JobState::queued, 0, ""};
}

// Slurm loses a cancel that reaches a step between its creation and its
// launch on the node, and srun loses the step it was creating when a
// signal comes then ("Cancelled pending step": the step stays, holding its
// CPUs, until the allocation ends; scancel cannot end it). Cancelling a
// simulation frees CPUs that a waiting srun takes at once, so both happen
// when the launcher cancels its jobs one after the other. Hence: srun is
// frozen before its step is looked up, a step is cancelled until srun has
// ended, and cancel returns once Slurm no longer lists the step.
void SlurmAllocationScheduler::cancel(JobId id) {
  Step& step = steps_.at(id);
  if (step.finished) return;
  if (step.pid < 0) {
    step.finished = JobStatus{JobState::failed, -1, "cancelled before its step started"};
    return;
  }
  const auto deadline = Clock::now() + timing_.cancel_wait;
  look_for_marker(step, true);
  std::optional<std::string> step_id = step.step ? step.step : step_named(step);
  int wait_status = 0;
  pid_t done = 0;
  if (!step_id) {
    done = freeze(step, wait_status);
    if (done == 0) step_id = step_named(step);
    if (done == 0 && !step_id) {
      // Frozen without a step, it can no longer ask for one.
      ::kill(-step.pid, SIGKILL);
      done = ::waitpid(step.pid, &wait_status, 0);
    }
    if (done == 0) ::kill(-step.pid, SIGCONT);  // it has a step: cancelled below
  }
  if (done == 0) {
    if (!step_id || !scancel(*step_id)) ::kill(-step.pid, SIGTERM);
    auto next_cancel = Clock::now() + kRecancelPeriod;
    while ((done = ::waitpid(step.pid, &wait_status, WNOHANG)) == 0 && Clock::now() < deadline) {
      if (step_id && Clock::now() >= next_cancel) {
        run_command({"scancel", *step_id}, timing_.command_timeout);
        next_cancel = Clock::now() + kRecancelPeriod;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (done == 0) {
      ::kill(-step.pid, SIGKILL);
      ::waitpid(step.pid, &wait_status, 0);
    }
  }
  // srun is gone: a step it created meanwhile is left to cancel.
  if (!step_id) {
    step_id = step_named(step);
    if (step_id) scancel(*step_id);
  }
  if (step_id) wait_until_gone(*step_id, deadline);
  JobStatus status = done < 0 ? JobStatus{JobState::failed, -1, ""} : status_of_wait(wait_status);
  status.state = JobState::failed;
  status.detail = "cancelled" + (step_id ? " (job step " + *step_id + ")" : std::string());
  step.finished = status;
  step.pid = -1;
}

pid_t SlurmAllocationScheduler::freeze(const Step& step, int& wait_status) const {
  ::kill(step.pid, SIGSTOP);
  const auto deadline = Clock::now() + kFreezeWait;
  while (Clock::now() < deadline) {
    const pid_t changed = ::waitpid(step.pid, &wait_status, WNOHANG | WUNTRACED);
    if (changed == step.pid && WIFSTOPPED(wait_status)) return 0;
    if (changed != 0) return changed;  // it ended (its pid), or is lost (-1)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return 0;
}

void SlurmAllocationScheduler::wait_until_gone(const std::string& step_id, Clock::time_point deadline) const {
  while (Clock::now() < deadline) {
    const auto result = run_command({"squeue", "-h", "-s", "-j", allocation_, "-o", "%i"}, timing_.command_timeout);
    if (!result.ok()) return;  // Slurm cannot tell: nothing to wait for
    std::istringstream lines(result.out);
    bool listed = false;
    for (std::string id; lines >> id;) listed = listed || id == step_id;
    if (!listed) return;
    std::this_thread::sleep_for(kGonePollPeriod);
  }
}

std::string SlurmAllocationScheduler::handle(JobId job) const {
  const Step& launched = steps_.at(job);
  return launched.step && !launched.finished ? "slurm:" + *launched.step : "";
}

}  // namespace apiary::launcher
