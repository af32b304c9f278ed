// make_scheduler: the back end of the study's [scheduler] section.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "launcher/scheduler/local_scheduler.hpp"
#include "launcher/scheduler/process.hpp"
#include "launcher/scheduler/scheduler.hpp"
#include "launcher/scheduler/slurm_allocation_scheduler.hpp"
#include "launcher/scheduler/slurm_jobs_scheduler.hpp"

namespace apiary::launcher {
namespace {

std::string allocation_of_launcher() {
  const char* id = std::getenv("SLURM_JOB_ID");
  return id == nullptr ? "" : id;
}

}  // namespace

void require_usable_scheduler(const config::SchedulerSection& section) {
  if (section.kind == config::SchedulerKind::local) return;
  const bool allocation = section.mode == config::SchedulerMode::allocation;
  if (allocation && allocation_of_launcher().empty()) {
    throw ConfigError(
        "scheduler.mode = \"allocation\": the launcher is not inside a Slurm allocation (SLURM_JOB_ID is not set); "
        "start it with salloc or from an sbatch script, or use scheduler.mode = \"jobs\"");
  }
  const std::vector<std::string> commands = allocation ? std::vector<std::string>{"srun", "squeue", "scancel"}
                                                       : std::vector<std::string>{"sbatch", "squeue", "scancel"};
  for (const auto& command : commands) {
    if (!found_in_path(command)) {
      throw ConfigError("scheduler.kind = \"slurm\": " + command +
                        " was not found in PATH (are Slurm's commands installed here?)");
    }
  }
}

void cancel_leftover(const std::string& handle) {
  std::istringstream parts(handle);
  std::string back_end, id, start_time;
  std::getline(parts, back_end, ':');
  std::getline(parts, id, ':');
  std::getline(parts, start_time);
  if (back_end == "slurm" && !id.empty()) {
    run_command({"scancel", id}, std::chrono::seconds(30));
    return;
  }
  if (back_end != "local") return;
  pid_t group = 0;
  try {
    group = static_cast<pid_t>(std::stol(id));
  } catch (const std::exception&) {
    return;
  }
  if (group <= 1 || start_time.empty() || process_start_time(group) != start_time) return;
  ::kill(-group, SIGTERM);
  for (int i = 0; i < 50 && process_start_time(group) == start_time; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (process_start_time(group) == start_time) ::kill(-group, SIGKILL);
}

std::unique_ptr<Scheduler> make_scheduler(const config::SchedulerSection& section, SchedulerWarnings warnings) {
  require_usable_scheduler(section);
  if (section.kind == config::SchedulerKind::local) return std::make_unique<LocalScheduler>();
  if (section.mode == config::SchedulerMode::allocation) {
    return std::make_unique<SlurmAllocationScheduler>(section, allocation_of_launcher(), slurm::Timing{},
                                                      std::move(warnings));
  }
  return std::make_unique<SlurmJobsScheduler>(section, slurm::Timing{}, std::move(warnings));
}

}  // namespace apiary::launcher
