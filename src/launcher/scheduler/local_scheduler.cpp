#include "launcher/scheduler/local_scheduler.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/error.hpp"

extern char** environ;

namespace apiary::launcher {
namespace {

std::vector<std::string> mpirun_prefix(int ranks) {
  // No binding: the local jobs (clients and server) share the machine's
  // cores, and binding each job from core 0 would pile them up there.
  std::vector<std::string> prefix{"mpirun", "-n", std::to_string(ranks), "--oversubscribe", "--bind-to", "none"};
  if (::geteuid() == 0) prefix.emplace_back("--allow-run-as-root");
  return prefix;
}

// The launcher's environment with the job's variables replacing or added.
std::vector<std::string> merged_environment(const std::map<std::string, std::string>& additions) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto name = text.substr(0, text.find('='));
    if (!additions.contains(name)) merged.push_back(text);
  }
  for (const auto& [name, value] : additions) merged.push_back(name + "=" + value);
  return merged;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

JobStatus status_of(int wait_status) {
  if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    return {code == 0 ? JobState::succeeded : JobState::failed, code};
  }
  return {JobState::failed, 128 + WTERMSIG(wait_status)};
}

}  // namespace

LocalScheduler::~LocalScheduler() {
  for (auto& [id, child] : children_) {
    if (!child.finished) cancel(id);
  }
}

JobId LocalScheduler::submit(const JobSpec& job) {
  std::vector<std::string> argv = job.ranks > 1 ? mpirun_prefix(job.ranks) : std::vector<std::string>{};
  argv.insert(argv.end(), job.argv.begin(), job.argv.end());
  auto environment = merged_environment(job.environment);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, job.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);

  auto args = pointers(argv);
  auto envp = pointers(environment);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw Error("cannot start '" + argv[0] + "': " + std::strerror(error));
  const JobId id = next_id_++;
  children_[id].pid = pid;
  return id;
}

JobStatus LocalScheduler::poll(JobId job) {
  Child& child = children_.at(job);
  if (child.finished) return *child.finished;
  int wait_status = 0;
  const pid_t done = ::waitpid(child.pid, &wait_status, WNOHANG);
  if (done == child.pid) {
    child.finished = status_of(wait_status);
    return *child.finished;
  }
  if (done < 0 && errno == ECHILD) child.finished = JobStatus{JobState::failed, -1};
  return child.finished.value_or(JobStatus{});
}

void LocalScheduler::cancel(JobId job) {
  Child& child = children_.at(job);
  if (child.finished) return;
  ::kill(-child.pid, SIGTERM);
  // Give the group a moment to exit cleanly, then make sure it is gone.
  for (int i = 0; i < 50 && poll(job).state == JobState::running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!child.finished) {
    ::kill(-child.pid, SIGKILL);
    int wait_status = 0;
    ::waitpid(child.pid, &wait_status, 0);
    child.finished = status_of(wait_status);
  }
}

std::unique_ptr<Scheduler> make_scheduler(const std::string& kind) {
  if (kind == "local") return std::make_unique<LocalScheduler>();
  throw ConfigError("unknown scheduler '" + kind + "' (known: local)");
}

}  // namespace apiary::launcher
