#pragma once
// What the tests that break studies on purpose share (fault tolerance on
// this machine, node and network loss on the test cluster): a launcher in
// the background, the processes of a study, the stepper client whose log
// says which steps each run delivered, and the exact accounting of a study
// that survived its faults.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/process.hpp"

extern char** environ;

namespace apiary::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The text of /proc/PID/<file> with its NUL separators as newlines.
inline std::string proc_text(pid_t pid, const char* file) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : text) {
    if (c == '\0') c = '\n';
  }
  return text;
}

// Processes whose /proc/PID/<file> holds every one of `needles`.
inline std::vector<pid_t> processes_with(const char* file, const std::vector<std::string>& needles) {
  std::vector<pid_t> found;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atol(entry->d_name));
    if (pid <= 0 || pid == ::getpid()) continue;
    const auto text = proc_text(pid, file);
    bool all = !text.empty();
    for (const auto& needle : needles) all = all && text.find(needle) != std::string::npos;
    if (all) found.push_back(pid);
  }
  ::closedir(proc);
  return found;
}

inline bool alive(pid_t pid) { return ::kill(pid, 0) == 0 && !proc_text(pid, "cmdline").empty(); }

// `apiary run` in the background, its output in dir/launcher.out.
class BackgroundLauncher {
 public:
  // prefix: what runs the launcher ("" here, or a command that runs it on
  // another host and execs it there, so that pid() stays the launcher's).
  BackgroundLauncher(const fs::path& dir, const std::string& arguments, const std::string& prefix = "") {
    const std::string command = "exec " + prefix + (prefix.empty() ? "" : " ") + std::string(APIARY_BIN_DIR) +
                                "/apiary run --quiet " + arguments + " > " + (dir / "launcher.out").string() + " 2>&1";
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    if (::posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) pid_ = -1;
  }
  BackgroundLauncher(const BackgroundLauncher&) = delete;
  BackgroundLauncher& operator=(const BackgroundLauncher&) = delete;
  ~BackgroundLauncher() {
    if (pid_ > 0 && exit_code_ < 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  pid_t pid() const { return pid_; }
  bool running() {
    if (exit_code_ >= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  int wait() {
    int status = 0;
    if (exit_code_ < 0 && ::waitpid(pid_, &status, 0) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Writes the study into dir/study.toml and runs it into dir/run, in the
// background.
inline BackgroundLauncher start_study(const fs::path& dir, const SmallStudy& study, const std::string& options = "",
                                      const std::string& prefix = "") {
  write_text(dir / "study.toml", study.toml());
  return BackgroundLauncher(dir, (dir / "study.toml").string() + " --run-dir " + (dir / "run").string() + " " + options,
                            prefix);
}

inline std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Waits up to `limit` for `condition`; false if it never held.
template <class Condition>
inline bool eventually(Condition condition, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

inline std::string stepper(std::size_t size, std::size_t steps, int delay_ms, const std::string& options = "") {
  return std::string(APIARY_BIN_DIR) + "/apiary-test-stepper " + std::to_string(size) + " " + std::to_string(steps) +
         " " + std::to_string(delay_ms) + options;
}

inline SmallStudy stepper_study(int delay_ms, const std::string& options = "") {
  SmallStudy study;
  study.field = "field";
  study.field_size = 64;
  study.time_steps = 12;
  study.command = stepper(study.field_size, study.time_steps, delay_ms, options);
  study.batches = 40;
  return study;
}

// The steps each run of a simulation printed as sent, run after run (a
// run starts with "sent 0"; runs that sent nothing print no line).
inline std::vector<std::set<int>> runs_in_log(const fs::path& log) {
  std::vector<std::set<int>> runs;
  std::istringstream lines(text_of(log));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("sent ", 0) != 0) continue;
    const int step = std::stoi(line.substr(5));
    if (step == 0 || runs.empty()) runs.emplace_back();
    runs.back().insert(step);
  }
  return runs;
}

// Steps sent again by a later run after an earlier run had delivered them.
inline std::uint64_t replayed_steps(const fs::path& log) {
  std::uint64_t replayed = 0;
  std::set<int> delivered;
  for (const auto& run : runs_in_log(log)) {
    for (int step : run) replayed += delivered.count(step);
    delivered.insert(run.begin(), run.end());
  }
  return replayed;
}

inline fs::path client_log(const fs::path& run_dir, int id) {
  char name[64];
  std::snprintf(name, sizeof name, "simulation-%06d.log", id);
  return run_dir / "clients" / name;
}

// Every step of the plan entered training or validation exactly once,
// whatever was killed or replayed: each simulation's steps were received
// (replays dropped as duplicates), every training step was put in the
// buffer once, or arrived after training had ended.
inline void expect_exact_accounting(const nlohmann::json& summary, int training, int validation, int steps) {
  EXPECT_EQ(summary["simulations_completed"], training + validation);
  EXPECT_EQ(summary["simulations_failed"], 0);
  EXPECT_EQ(summary["time_steps_expected"], (training + validation) * steps);
  EXPECT_EQ(summary["time_steps_received"], summary["time_steps_expected"]);
  EXPECT_EQ(summary["time_steps_received_from_completed"], summary["time_steps_expected"]);
  EXPECT_EQ(summary["training_samples_received"], training * steps);
  EXPECT_EQ(summary["validation_samples_received"], validation * steps);
  EXPECT_EQ(summary["buffer"]["puts"].get<int>() + summary["samples_not_trained_after_training_ended"].get<int>(),
            training * steps);
}

}  // namespace apiary::testing
