#pragma once
// A Scheduler whose jobs are entries of a table: a test submits through
// it, sets the states the jobs reach, and sees what was submitted and
// cancelled. No process starts.
#include <string>
#include <vector>

#include "launcher/scheduler/scheduler.hpp"

namespace apiary::launcher {

class FakeScheduler final : public Scheduler {
 public:
  JobId submit(const JobSpec& job) override {
    submitted.push_back(job);
    states.push_back({JobState::queued, 0, ""});
    return submitted.size() - 1;
  }
  JobStatus poll(JobId job) override { return states.at(job); }
  void cancel(JobId job) override {
    cancelled.push_back(job);
    states.at(job) = {JobState::failed, 128 + 15, "cancelled"};
  }
  std::string handle(JobId job) const override { return "fake:" + std::to_string(job); }

  // The job submitted last for a simulation's job name ("simulation-3").
  JobId last_job_named(const std::string& name) const {
    for (auto job = submitted.size(); job-- > 0;) {
      if (submitted[job].name == name) return job;
    }
    return submitted.size();
  }
  void set_all(JobState state, int exit_code = 0) {
    for (auto& status : states) {
      if (!finished(status)) status = {state, exit_code, ""};
    }
  }

  std::vector<JobSpec> submitted;  // by JobId
  std::vector<JobStatus> states;   // by JobId
  std::vector<JobId> cancelled;
};

}  // namespace apiary::launcher
