#pragma once
// How the launcher runs a job (a client or the server): submit, poll,
// cancel. Back ends: local processes now; Slurm later. Failures of the
// scheduler's own commands are returned as states, never thrown, so that a
// study survives them.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace apiary::launcher {

using JobEnvironment = std::map<std::string, std::string>;

struct JobSpec {
  std::vector<std::string> argv;  // argv[0] resolved to a path
  JobEnvironment environment;     // added to the launcher's own
  std::filesystem::path log;      // stdout and stderr
  int ranks = 1;                  // > 1: started through mpirun
};

enum class JobState { running, succeeded, failed };

struct JobStatus {
  JobState state = JobState::running;
  int exit_code = 0;  // failed: exit code, or 128 + signal
};

using JobId = std::uint64_t;

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual JobId submit(const JobSpec& job) = 0;  // throws apiary::Error if the job cannot start
  virtual JobStatus poll(JobId job) = 0;
  virtual void cancel(JobId job) = 0;  // terminates the job and everything it started
};

// "local": each job is a process group on this machine.
std::unique_ptr<Scheduler> make_scheduler(const std::string& kind);

}  // namespace apiary::launcher
