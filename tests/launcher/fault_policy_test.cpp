// The fault policy's decisions over launcher records and server progress,
// without processes.
#include "launcher/fault/fault_policy.hpp"

#include <gtest/gtest.h>

namespace apiary::launcher {
namespace {

config::FaultToleranceSection faults_with(std::size_t max_restarts, config::OnMaxRestarts on_max_restarts) {
  config::FaultToleranceSection faults;
  faults.max_restarts = max_restarts;
  faults.on_max_restarts = on_max_restarts;
  faults.client_timeout = 10.0;
  faults.server_timeout = 60.0;
  faults.max_server_restarts = 2;
  return faults;
}

LauncherState state_of(std::initializer_list<SimulationRecord> records) {
  LauncherState state;
  state.simulations = records;
  return state;
}

SimulationRecord record(std::uint32_t id, SimulationState state, plan::Role role = plan::Role::training) {
  auto made = new_record(id, role);
  made.state = state;
  return made;
}

TEST(FaultPolicy, RelaunchesAFailedClientUpToMaxRestartsThenRedrawsIt) {
  const FaultPolicy policy(faults_with(2, config::OnMaxRestarts::redraw), 1, false);
  auto state = state_of({record(0, SimulationState::running)});
  for (std::uint32_t restart = 1; restart <= 2; ++restart) {
    const auto decision = policy.client_failed(state, 0);
    EXPECT_EQ(decision.outcome, ClientOutcome::relaunch);
    EXPECT_EQ(decision.restarts, restart);
    EXPECT_EQ(state.record(0).state, SimulationState::pending);
    state.record(0).state = SimulationState::running;
  }
  EXPECT_EQ(state.client_restarts, 2u);
  const auto last = policy.client_failed(state, 0);
  EXPECT_EQ(last.outcome, ClientOutcome::redraw);
  EXPECT_EQ(last.restarts, 2u);
  EXPECT_EQ(state.client_restarts, 2u);  // a redraw is no restart
}

TEST(FaultPolicy, FailsAClientForGoodWhenOnMaxRestartsIsFail) {
  const FaultPolicy policy(faults_with(0, config::OnMaxRestarts::fail), 1, false);
  auto state = state_of({record(4, SimulationState::running)});
  const auto decision = policy.client_failed(state, 4);
  EXPECT_EQ(decision.outcome, ClientOutcome::fail);
  EXPECT_EQ(decision.restarts, 0u);
  EXPECT_EQ(state.record(4).state, SimulationState::failed);
}

TEST(FaultPolicy, AReplacementIsNotReplacedInTurn) {
  const FaultPolicy policy(faults_with(1, config::OnMaxRestarts::redraw), 1, false);
  auto replacement = record(9, SimulationState::running);
  replacement.replaces = 3;
  replacement.restarts = 1;
  auto state = state_of({replacement});
  EXPECT_EQ(policy.client_failed(state, 9).outcome, ClientOutcome::fail);
  EXPECT_EQ(state.record(9).state, SimulationState::failed);
}

TEST(FaultPolicy, ASilentClientIsCancelledAfterClientTimeout) {
  const FaultPolicy policy(faults_with(3, config::OnMaxRestarts::redraw), 1, false);
  EXPECT_FALSE(policy.silence_to_cancel(0.0, 0.0, 1000.0));   // still queued
  EXPECT_FALSE(policy.silence_to_cancel(100.0, 0.0, 110.0));  // no step yet, within the timeout
  EXPECT_DOUBLE_EQ(policy.silence_to_cancel(100.0, 0.0, 111.0).value_or(0.0), 11.0);
  EXPECT_FALSE(policy.silence_to_cancel(100.0, 105.0, 111.0));  // its last step is recent
  EXPECT_DOUBLE_EQ(policy.silence_to_cancel(100.0, 105.0, 120.0).value_or(0.0), 15.0);
  auto no_limit = faults_with(3, config::OnMaxRestarts::redraw);
  no_limit.client_timeout = 0.0;
  EXPECT_FALSE(FaultPolicy(no_limit, 1, false).silence_to_cancel(100.0, 0.0, 1e9));
}

TEST(FaultPolicy, AServerIsLostWhenItsJobEndsOrItsHeartbeatIsOld) {
  const FaultPolicy policy(faults_with(3, config::OnMaxRestarts::redraw), 2, false);
  ServerProgress progress;
  progress.ranks_reporting = 2;
  progress.oldest_heartbeat = 100.0;
  EXPECT_FALSE(policy.server_loss({JobState::running, 0, ""}, progress, 50.0, 150.0));
  EXPECT_FALSE(policy.server_loss({JobState::succeeded, 0, ""}, progress, 50.0, 1e9));
  EXPECT_EQ(policy.server_loss({JobState::failed, 9, "signal KILL"}, progress, 50.0, 150.0),
            "the server exited (code 9, signal KILL)");
  EXPECT_EQ(policy.server_loss({JobState::failed, 1, ""}, progress, 50.0, 150.0), "the server exited (code 1)");
  EXPECT_EQ(policy.server_loss({JobState::running, 0, ""}, progress, 50.0, 170.0),
            "no heartbeat from the server for 70 s (fault_tolerance.server_timeout)");
  // While a rank does not report, the silence counts from the server's start.
  progress.ranks_reporting = 1;
  EXPECT_FALSE(policy.server_loss({JobState::queued, 0, ""}, progress, 150.0, 170.0));
  EXPECT_EQ(policy.server_loss({JobState::running, 0, ""}, progress, 100.0, 161.0),
            "no heartbeat from the server for 61 s (fault_tolerance.server_timeout)");
}

TEST(FaultPolicy, ALostServerRestartsUnlessItRecordsHasNoCheckpointsOrRestartedEnough) {
  const auto faults = faults_with(3, config::OnMaxRestarts::redraw);
  EXPECT_FALSE(FaultPolicy(faults, 1, false).refusal_to_restart_server(1));
  EXPECT_EQ(FaultPolicy(faults, 1, false).refusal_to_restart_server(2),
            "it was restarted 2 times already (fault_tolerance.max_server_restarts)");
  EXPECT_EQ(FaultPolicy(faults, 1, true).refusal_to_restart_server(0), "a recording server is not restarted");
  auto no_checkpoints = faults;
  no_checkpoints.checkpoint_every = 0;
  EXPECT_EQ(FaultPolicy(no_checkpoints, 1, false).refusal_to_restart_server(0),
            "no checkpoints to restart it from (fault_tolerance.checkpoint_every = 0)");
}

TEST(FaultPolicy, ARedrawMarksTheFailedSimulationAndAddsItsReplacement) {
  auto state = state_of({record(0, SimulationState::running, plan::Role::validation),
                         record(1, SimulationState::running), record(2, SimulationState::completed)});
  EXPECT_EQ(redraws_of(state, plan::Role::validation), 0u);
  record_redraw(state, 0, 3);
  EXPECT_EQ(state.record(0).state, SimulationState::redrawn);
  EXPECT_EQ(state.record(0).replaced_by, 3u);
  EXPECT_EQ(state.simulations_redrawn, 1u);
  const auto& replacement = state.record(3);
  EXPECT_EQ(replacement.state, SimulationState::pending);
  EXPECT_EQ(replacement.role, plan::Role::validation);
  EXPECT_EQ(replacement.replaces, 0u);
  EXPECT_EQ(redraws_of(state, plan::Role::validation), 1u);
  EXPECT_EQ(redraws_of(state, plan::Role::training), 0u);
}

TEST(FaultPolicy, CompletedSimulationsARestartedServerLacksStepsOfRunAgain) {
  auto state = state_of({record(0, SimulationState::completed), record(1, SimulationState::completed),
                         record(2, SimulationState::failed), record(3, SimulationState::pending)});
  ServerProgress progress;
  progress.simulations[0] = {10, 5.0};
  progress.simulations[1] = {7, 5.0};
  EXPECT_EQ(requeue_unaccounted(state, progress, 10), 1u);
  EXPECT_EQ(state.record(0).state, SimulationState::completed);
  EXPECT_EQ(state.record(1).state, SimulationState::pending);
  EXPECT_EQ(state.record(2).state, SimulationState::failed);
  EXPECT_EQ(state.record(3).state, SimulationState::pending);
}

}  // namespace
}  // namespace apiary::launcher
