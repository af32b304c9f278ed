#pragma once
// Processes for the schedulers: jobs started as children of the launcher,
// and short commands (sbatch, squeue, scancel) run to completion with their
// output captured and a time limit.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "launcher/scheduler/scheduler.hpp"

namespace apiary::launcher {

// The launcher's environment with `additions` replacing or added.
std::vector<std::string> merged_environment(const JobEnvironment& additions);

// Starts argv (argv[0] looked up in PATH) as the leader of a new process
// group, stdin from /dev/null, stdout and stderr appended to log. Throws
// apiary::Error if it cannot be started.
pid_t spawn_logged(const std::vector<std::string>& argv, const JobEnvironment& environment,
                   const std::filesystem::path& log);

// A waitpid status as a job's: exit code, or 128 + signal.
JobStatus status_of_wait(int wait_status);

struct CommandResult {
  int exit_code = -1;      // 128 + signal if killed; -1 if it could not start or timed out
  bool timed_out = false;  // killed at the time limit
  std::string out;         // stdout
  std::string err;         // stderr, or why it could not start

  bool ok() const { return exit_code == 0 && !timed_out; }
  // For messages: "exit code 1: <stderr's first line>", "no answer within 30 s".
  std::string describe(std::chrono::milliseconds timeout) const;
};

// Runs argv to completion, stdin from /dev/null, capturing stdout and
// stderr; kills it (and its process group) after `timeout`. Never throws
// for the command's failures: they are in the result.
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const JobEnvironment& environment = {});

// One word for sh: 'word', with embedded quotes escaped.
std::string shell_quoted(const std::string& word);

// Whether `name` is an executable file in a directory of PATH.
bool found_in_path(const std::string& name);

}  // namespace apiary::launcher
