#include "launcher/scheduler/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

#include "common/error.hpp"

extern char** environ;

namespace apiary::launcher {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// posix_spawn's file actions and attributes, destroyed on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    // Its own process group: cancel and time limits reach what it started.
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // 0, or the error number.
  int spawn(pid_t& pid, const std::vector<std::string>& argv, const JobEnvironment& environment) {
    auto args_text = argv;
    auto environment_text = merged_environment(environment);
    auto args = pointers(args_text);
    auto envp = pointers(environment_text);
    return posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), envp.data());
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
};

void close_quietly(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string first_line(const std::string& text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  const auto end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::vector<std::string> merged_environment(const JobEnvironment& additions) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto name = text.substr(0, text.find('='));
    if (!additions.contains(name)) merged.push_back(text);
  }
  for (const auto& [name, value] : additions) merged.push_back(name + "=" + value);
  return merged;
}

pid_t spawn_logged(const std::vector<std::string>& argv, const JobEnvironment& environment,
                   const std::filesystem::path& log) {
  if (argv.empty()) throw Error("cannot start an empty command");
  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&setup.actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int error = setup.spawn(pid, argv, environment);
  if (error != 0) throw Error("cannot start '" + argv[0] + "': " + std::strerror(error));
  return pid;
}

JobStatus status_of_wait(int wait_status) {
  if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    return {code == 0 ? JobState::succeeded : JobState::failed, code, ""};
  }
  return {JobState::failed, 128 + WTERMSIG(wait_status), ""};
}

std::string CommandResult::describe(std::chrono::milliseconds timeout) const {
  std::ostringstream text;
  if (timed_out) {
    text << "no answer within " << std::chrono::duration<double>(timeout).count() << " s";
  } else if (exit_code < 0) {
    text << "could not start";
  } else {
    text << "exit code " << exit_code;
  }
  const std::string why = first_line(err).empty() ? first_line(out) : first_line(err);
  if (!why.empty()) text << ": " << why;
  return text.str();
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const JobEnvironment& environment) {
  CommandResult result;
  if (argv.empty()) {
    result.err = "empty command";
    return result;
  }
  std::array<int, 2> out_pipe{-1, -1};
  std::array<int, 2> err_pipe{-1, -1};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    result.err = std::string("pipe: ") + std::strerror(errno);
    for (int* fd : {&out_pipe[0], &out_pipe[1], &err_pipe[0], &err_pipe[1]}) close_quietly(*fd);
    return result;
  }
  pid_t pid = -1;
  int error = 0;
  {
    SpawnSetup setup;
    posix_spawn_file_actions_adddup2(&setup.actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err_pipe[1], STDERR_FILENO);
    error = setup.spawn(pid, argv, environment);
  }
  close_quietly(out_pipe[1]);
  close_quietly(err_pipe[1]);
  if (error != 0) {
    close_quietly(out_pipe[0]);
    close_quietly(err_pipe[0]);
    result.err = "cannot start '" + argv[0] + "': " + std::strerror(error);
    return result;
  }

  const auto deadline = Clock::now() + timeout;
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  std::array<int, 2> fds{out_pipe[0], err_pipe[0]};
  while ((fds[0] >= 0 || fds[1] >= 0) && !result.timed_out) {
    std::array<pollfd, 2> items{};
    for (std::size_t i = 0; i < 2; ++i) items[i] = {fds[i], POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    if (::poll(items.data(), items.size(), static_cast<int>(std::min<long long>(left.count(), 100))) < 0 &&
        errno != EINTR) {
      break;
    }
    for (std::size_t i = 0; i < 2; ++i) {
      if (fds[i] < 0 || items[i].revents == 0) continue;
      std::array<char, 4096> chunk{};
      const ssize_t got = ::read(fds[i], chunk.data(), chunk.size());
      if (got > 0) {
        sinks[i]->append(chunk.data(), static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close_quietly(fds[i]);
      }
    }
  }
  close_quietly(fds[0]);
  close_quietly(fds[1]);

  // Its output is closed; wait for the exit, still within the time limit.
  int wait_status = 0;
  while (!result.timed_out) {
    const pid_t done = ::waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) {
      const JobStatus status = status_of_wait(wait_status);
      result.exit_code = status.exit_code;
      return result;
    }
    if (done < 0 && errno != EINTR) return result;
    if (Clock::now() > deadline) result.timed_out = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(-pid, SIGKILL);
  ::waitpid(pid, &wait_status, 0);
  result.exit_code = -1;
  return result;
}

std::string shell_quoted(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

bool found_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::istringstream entries(path);
  for (std::string dir; std::getline(entries, dir, ':');) {
    const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (std::filesystem::is_regular_file(candidate) && ::access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace apiary::launcher
