// The simulations' jobs against a fake scheduler: what is submitted, in
// which order and how many at once; how ends, failures, silence and a
// server restart reach the records; and the study loop's client half
// (jobs and fault policy together) without processes.
#include "launcher/study/client_jobs.hpp"

#include <gtest/gtest.h>

#include "common/elapsed.hpp"
#include "launcher/fake_scheduler.hpp"

namespace apiary::launcher {
namespace {

class ClientJobsTest : public ::testing::Test {
 protected:
  ClientJobsTest() : jobs_(scheduler_, sessions_, state_, [](std::uint32_t id) { return spec_of(id); }) {
    for (std::uint32_t id = 0; id < 3; ++id) state_.simulations.push_back(new_record(id, plan::Role::training));
    jobs_.queue_pending();
  }

  static JobSpec spec_of(std::uint32_t id) {
    JobSpec spec;
    spec.argv = {"client", std::to_string(id)};
    spec.environment = {{"APIARY_SIMULATION_ID", std::to_string(id)}};
    return spec;
  }
  void finish(std::uint32_t id, JobState state, int exit_code = 0, const std::string& detail = "") {
    scheduler_.states.at(scheduler_.last_job_named("simulation-" + std::to_string(id))) = {state, exit_code, detail};
  }

  FakeScheduler scheduler_;
  MpiSessions sessions_;
  LauncherState state_;
  ClientJobs jobs_;
};

TEST_F(ClientJobsTest, SubmitsInQueueOrderUpToTheLimitWithTheirMpiSession) {
  const auto round = jobs_.advance(2);
  EXPECT_TRUE(round.changed);
  EXPECT_TRUE(round.failures.empty());
  ASSERT_EQ(scheduler_.submitted.size(), 2u);
  EXPECT_EQ(scheduler_.submitted[0].name, "simulation-0");
  EXPECT_EQ(scheduler_.submitted[1].name, "simulation-1");
  EXPECT_EQ(scheduler_.submitted[1].argv, (std::vector<std::string>{"client", "1"}));
  EXPECT_EQ(scheduler_.submitted[1].environment.at("APIARY_SIMULATION_ID"), "1");
  EXPECT_EQ(scheduler_.submitted[1].environment.count("OMPI_MCA_orte_tmpdir_base"), 1u);
  EXPECT_EQ(state_.count(SimulationState::running), 2u);
  EXPECT_EQ(state_.record(2).state, SimulationState::pending);
  EXPECT_FALSE(jobs_.advance(2).changed);  // nothing ended, nothing more may start
  EXPECT_EQ(jobs_.running(), 2u);
}

TEST_F(ClientJobsTest, ASucceededJobCompletesItsRecordAFailedOneIsHandedBackAndTheNextStarts) {
  jobs_.advance(2);
  finish(0, JobState::succeeded);
  finish(1, JobState::failed, 3, "Slurm state FAILED");
  const auto round = jobs_.advance(2);
  EXPECT_EQ(state_.record(0).state, SimulationState::completed);
  ASSERT_EQ(round.failures.size(), 1u);
  EXPECT_EQ(round.failures[0].id, 1u);
  EXPECT_EQ(round.failures[0].exit_code, 3);
  EXPECT_EQ(round.failures[0].detail, "Slurm state FAILED");
  EXPECT_EQ(state_.record(1).state, SimulationState::running);  // for the policy to decide
  jobs_.advance(2);  // submits before it polls: the freed places go in the next round
  EXPECT_EQ(scheduler_.submitted.back().name, "simulation-2");
}

TEST_F(ClientJobsTest, ARelaunchGoesBeforeTheQueueAReplacementAfterIt) {
  jobs_.advance(1);
  finish(0, JobState::failed, 1);
  state_.simulations.push_back(new_record(7, plan::Role::training));
  jobs_.queue(7);
  ASSERT_EQ(jobs_.advance(1).failures.size(), 1u);
  jobs_.queue_first(0);
  jobs_.advance(10);
  std::vector<std::string> names;
  for (const auto& spec : scheduler_.submitted) names.push_back(spec.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"simulation-0", "simulation-0", "simulation-1", "simulation-2", "simulation-7"}));
}

TEST_F(ClientJobsTest, ASilentClientIsCancelledAsAFailure) {
  config::FaultToleranceSection faults;
  faults.client_timeout = 30.0;
  const FaultPolicy policy(faults, 1, false);
  jobs_.advance(1);
  scheduler_.states[0] = {JobState::running, 0, ""};
  jobs_.advance(1);  // seen running: its silence counts from now
  const double now = unix_seconds();
  ServerProgress progress;
  EXPECT_TRUE(jobs_.cancel_silent(policy, progress, now + 20.0).empty());
  progress.simulations[0] = {5, now + 20.0};
  EXPECT_TRUE(jobs_.cancel_silent(policy, progress, now + 45.0).empty());  // a step 25 s ago
  const auto failures = jobs_.cancel_silent(policy, progress, now + 60.0);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].id, 0u);
  EXPECT_EQ(failures[0].exit_code, -1);
  EXPECT_EQ(failures[0].detail, "no time step for 40 s (fault_tolerance.client_timeout)");
  EXPECT_EQ(scheduler_.cancelled, (std::vector<JobId>{0}));
  EXPECT_EQ(jobs_.running(), 0u);
}

TEST_F(ClientJobsTest, AServerRestartCancelsEveryJobAndEveryRunningRecordIsPendingAgain) {
  jobs_.advance(2);
  finish(1, JobState::failed, 1);
  const auto round = jobs_.advance(2);  // simulation 1's failure, not handled before the server died
  ASSERT_EQ(round.failures.size(), 1u);
  jobs_.cancel_for_server_restart();
  EXPECT_EQ(scheduler_.cancelled, (std::vector<JobId>{0}));  // simulation 0's job
  EXPECT_EQ(state_.count(SimulationState::pending), 3u);
  jobs_.queue_pending();
  jobs_.advance(3);
  EXPECT_EQ(scheduler_.submitted.size(), 5u);
}

TEST_F(ClientJobsTest, RecordsNameTheJobsThatRunAndAnInterruptionLeavesThemNamed) {
  jobs_.advance(1);
  jobs_.name_jobs_in_records();
  EXPECT_EQ(state_.record(0).job, "fake:0");
  EXPECT_EQ(state_.record(1).job, "");
  jobs_.cancel_all();
  jobs_.name_jobs_in_records();
  EXPECT_EQ(scheduler_.cancelled, (std::vector<JobId>{0}));
  EXPECT_EQ(state_.record(0).job, "fake:0");  // a resuming launcher makes sure it is gone
  EXPECT_EQ(state_.record(0).state, SimulationState::running);
}

// The study loop's client half: every job fails; the policy relaunches
// each simulation max_restarts times, then fails it.
TEST_F(ClientJobsTest, FailingClientsAreRelaunchedByThePolicyThenFailed) {
  config::FaultToleranceSection faults;
  faults.max_restarts = 2;
  faults.on_max_restarts = config::OnMaxRestarts::fail;
  const FaultPolicy policy(faults, 1, false);
  int rounds = 0;
  while (!jobs_.idle() && ++rounds < 100) {
    for (const auto& failure : jobs_.advance(2).failures) {
      if (policy.client_failed(state_, failure.id).outcome == ClientOutcome::relaunch) jobs_.queue_first(failure.id);
    }
    scheduler_.set_all(JobState::failed, 1);
  }
  EXPECT_TRUE(jobs_.idle());
  EXPECT_EQ(scheduler_.submitted.size(), 9u);  // 3 simulations, 1 + 2 runs each
  EXPECT_EQ(state_.count(SimulationState::failed), 3u);
  EXPECT_EQ(state_.client_restarts, 6u);
}

}  // namespace
}  // namespace apiary::launcher
