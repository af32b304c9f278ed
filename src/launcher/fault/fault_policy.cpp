#include "launcher/fault/fault_policy.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>

namespace apiary::launcher {

FaultPolicy::FaultPolicy(const config::FaultToleranceSection& faults, int server_ranks, bool recording)
    : faults_(faults), server_ranks_(server_ranks), recording_(recording) {}

ClientDecision FaultPolicy::client_failed(LauncherState& state, std::uint32_t id) const {
  auto& record = state.record(id);
  if (record.restarts < faults_.max_restarts) {
    ++record.restarts;
    ++state.client_restarts;
    record.state = SimulationState::pending;
    return {ClientOutcome::relaunch, record.restarts};
  }
  if (faults_.on_max_restarts == config::OnMaxRestarts::redraw && !record.replaces)
    return {ClientOutcome::redraw, record.restarts};
  record.state = SimulationState::failed;
  return {ClientOutcome::fail, record.restarts};
}

std::optional<double> FaultPolicy::silence_to_cancel(double started, double last_step, double now) const {
  if (faults_.client_timeout <= 0.0 || started == 0.0) return std::nullopt;
  const double silent = now - std::max(started, last_step);
  if (silent <= faults_.client_timeout) return std::nullopt;
  return silent;
}

std::optional<std::string> FaultPolicy::server_loss(const JobStatus& status, const ServerProgress& progress,
                                                    double server_started, double now) const {
  if (status.state == JobState::succeeded) return std::nullopt;
  if (finished(status)) {
    return fmt::format("the server exited (code {}{})", status.exit_code,
                       status.detail.empty() ? "" : ", " + status.detail);
  }
  const double last = progress.ranks_reporting == server_ranks_ ? progress.oldest_heartbeat : server_started;
  const double silent = now - last;
  if (silent <= faults_.server_timeout) return std::nullopt;
  return fmt::format("no heartbeat from the server for {:.0f} s (fault_tolerance.server_timeout)", silent);
}

std::optional<std::string> FaultPolicy::refusal_to_restart_server(std::uint64_t restarts) const {
  if (recording_) return "a recording server is not restarted";
  if (faults_.checkpoint_every == 0) return "no checkpoints to restart it from (fault_tolerance.checkpoint_every = 0)";
  if (restarts >= faults_.max_server_restarts) {
    return fmt::format("it was restarted {} times already (fault_tolerance.max_server_restarts)", restarts);
  }
  return std::nullopt;
}

SimulationRecord new_record(std::uint32_t id, plan::Role role) {
  SimulationRecord record;
  record.id = id;
  record.role = role;
  return record;
}

void record_redraw(LauncherState& state, std::uint32_t failed, std::uint32_t replacement) {
  auto& record = state.record(failed);
  record.state = SimulationState::redrawn;
  record.replaced_by = replacement;
  ++state.simulations_redrawn;
  auto added = new_record(replacement, record.role);
  added.replaces = failed;
  state.simulations.push_back(added);  // `record` is invalid from here
}

std::uint64_t redraws_of(const LauncherState& state, plan::Role role) {
  return static_cast<std::uint64_t>(std::count_if(state.simulations.begin(), state.simulations.end(),
                                                  [&](const auto& r) { return r.replaces && r.role == role; }));
}

std::size_t requeue_unaccounted(LauncherState& state, const ServerProgress& progress, std::uint64_t time_steps) {
  std::size_t requeued = 0;
  for (auto& record : state.simulations) {
    if (record.state != SimulationState::completed || progress.steps_of(record.id) >= time_steps) continue;
    record.state = SimulationState::pending;
    ++requeued;
  }
  return requeued;
}

}  // namespace apiary::launcher
