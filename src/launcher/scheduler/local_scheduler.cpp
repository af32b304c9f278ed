#include "launcher/scheduler/local_scheduler.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "launcher/scheduler/process.hpp"

namespace apiary::launcher {
namespace {

std::vector<std::string> mpirun_prefix(int ranks) {
  // No binding: the local jobs (clients and server) share the machine's
  // cores, and binding each job from core 0 would pile them up there.
  std::vector<std::string> prefix{"mpirun", "-n", std::to_string(ranks), "--oversubscribe", "--bind-to", "none"};
  if (::geteuid() == 0) prefix.emplace_back("--allow-run-as-root");
  return prefix;
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
  const pid_t pid = spawn_logged(argv, job.environment, job.log);
  const JobId id = next_id_++;
  children_[id].pid = pid;
  children_[id].start_time = process_start_time(pid);
  return id;
}

std::string LocalScheduler::handle(JobId job) const {
  const Child& child = children_.at(job);
  if (child.finished || child.start_time.empty()) return "";
  return "local:" + std::to_string(child.pid) + ":" + child.start_time;
}

std::string process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // The command name (field 2) may hold blanks and parentheses: count the
  // fields after its closing parenthesis, which starts at field 3.
  const auto name_end = stat.rfind(')');
  if (name_end == std::string::npos) return "";
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  for (int number = 3; number <= 22 && fields >> field; ++number) {
    if (number == 22) return field;
  }
  return "";
}

JobStatus LocalScheduler::poll(JobId job) {
  Child& child = children_.at(job);
  if (child.finished) return *child.finished;
  int wait_status = 0;
  const pid_t done = ::waitpid(child.pid, &wait_status, WNOHANG);
  if (done == child.pid) {
    child.finished = status_of_wait(wait_status);
    return *child.finished;
  }
  if (done < 0 && errno == ECHILD) child.finished = JobStatus{JobState::failed, -1, "lost track of the process"};
  return child.finished.value_or(JobStatus{});
}

void LocalScheduler::cancel(JobId job) {
  Child& child = children_.at(job);
  if (child.finished) return;
  ::kill(-child.pid, SIGTERM);
  // Give the group a moment to exit cleanly, then make sure it is gone.
  for (int i = 0; i < 50 && !finished(poll(job)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!child.finished) {
    ::kill(-child.pid, SIGKILL);
    int wait_status = 0;
    ::waitpid(child.pid, &wait_status, 0);
    child.finished = status_of_wait(wait_status);
  }
}

}  // namespace apiary::launcher
