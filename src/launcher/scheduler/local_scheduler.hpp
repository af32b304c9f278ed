#pragma once
#include <sys/types.h>

#include <map>

#include "launcher/scheduler/scheduler.hpp"

namespace apiary::launcher {

// Jobs are child processes of the launcher, each the leader of its own
// process group so that cancel() also reaches what it started (mpirun's
// ranks). Multi-rank jobs are started as `mpirun -n R`.
class LocalScheduler final : public Scheduler {
 public:
  ~LocalScheduler() override;
  JobId submit(const JobSpec& job) override;
  JobStatus poll(JobId job) override;
  void cancel(JobId job) override;

 private:
  struct Child {
    pid_t pid = -1;
    std::optional<JobStatus> finished;
  };
  std::map<JobId, Child> children_;
  JobId next_id_ = 1;
};

}  // namespace apiary::launcher
