#pragma once
#include <sys/types.h>

#include <map>

#include "launcher/scheduler/scheduler.hpp"

namespace apiary::launcher {

// The start time of a process, in clock ticks since boot (field 22 of
// /proc/PID/stat); empty when it is gone.
std::string process_start_time(pid_t pid);

// Jobs are child processes of the launcher, each the leader of its own
// process group so that cancel() also reaches what it started (mpirun's
// ranks). Multi-rank jobs are started as `mpirun -n R`.
class LocalScheduler final : public Scheduler {
 public:
  ~LocalScheduler() override;
  JobId submit(const JobSpec& job) override;
  JobStatus poll(JobId job) override;
  void cancel(JobId job) override;
  std::string handle(JobId job) const override;

 private:
  struct Child {
    pid_t pid = -1;
    std::string start_time;  // of the process (/proc/PID/stat), to tell it from a later one with its pid
    std::optional<JobStatus> finished;
  };
  std::map<JobId, Child> children_;
  JobId next_id_ = 1;
};

}  // namespace apiary::launcher
