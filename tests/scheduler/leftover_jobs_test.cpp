// A job that outlived its launcher is found again by its handle and
// cancelled, and a handle never reaches a process that merely reuses a pid.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "launcher/scheduler/local_scheduler.hpp"
#include "launcher/scheduler/scheduler.hpp"

namespace apiary::launcher {
namespace {

JobSpec sleeper() {
  JobSpec job;
  job.name = "sleeper";
  job.argv = {"/bin/sh", "-c", "sleep 30"};
  job.log = std::filesystem::temp_directory_path() / ("apiary-leftover-" + std::to_string(::getpid()) + ".log");
  return job;
}

bool ends_within_seconds(Scheduler& scheduler, JobId job, int seconds) {
  for (int i = 0; i < seconds * 50; ++i) {
    if (finished(scheduler.poll(job))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(LeftoverJobs, ALocalJobIsCancelledThroughItsHandle) {
  LocalScheduler scheduler;
  const auto job = scheduler.submit(sleeper());
  const auto handle = scheduler.handle(job);
  ASSERT_EQ(handle.rfind("local:", 0), 0u) << handle;
  cancel_leftover(handle);
  ASSERT_TRUE(ends_within_seconds(scheduler, job, 5));
  EXPECT_EQ(scheduler.poll(job).exit_code, 128 + 15);
  EXPECT_EQ(scheduler.handle(job), "");  // over: nothing left to cancel
  std::filesystem::remove(sleeper().log);
}

TEST(LeftoverJobs, AHandleWhosePidWasReusedReachesNothing) {
  LocalScheduler scheduler;
  const auto job = scheduler.submit(sleeper());
  const auto handle = scheduler.handle(job);
  const auto start_time = handle.substr(handle.rfind(':') + 1);
  cancel_leftover(handle.substr(0, handle.rfind(':') + 1) + start_time + "1");  // another process's start time
  EXPECT_FALSE(ends_within_seconds(scheduler, job, 1));
  for (const std::string garbage : {"", "local:", "local:x:1", "local:1:1", "pbs:12", "local:-5:1"}) {
    cancel_leftover(garbage);
  }
  EXPECT_FALSE(finished(scheduler.poll(job)));
  scheduler.cancel(job);
  std::filesystem::remove(sleeper().log);
}

}  // namespace
}  // namespace apiary::launcher
