#include "launcher/study/client_jobs.hpp"

#include <spdlog/fmt/fmt.h>

#include "common/elapsed.hpp"

namespace apiary::launcher {
namespace {

std::string job_name(std::uint32_t id) { return "simulation-" + std::to_string(id); }

}  // namespace

ClientJobs::ClientJobs(Scheduler& scheduler, MpiSessions& sessions, LauncherState& state, SpecOf spec_of)
    : scheduler_(scheduler), sessions_(sessions), state_(state), spec_of_(std::move(spec_of)) {}

void ClientJobs::queue_pending() {
  queue_.clear();
  for (const auto id : state_.ids(SimulationState::pending)) queue_.push_back(id);
}

void ClientJobs::queue(std::uint32_t id) { queue_.push_back(id); }

void ClientJobs::queue_first(std::uint32_t id) { queue_.push_front(id); }

ClientJobs::Round ClientJobs::advance(std::size_t max_running) {
  Round round;
  while (!queue_.empty() && running_.size() < max_running) {
    submit(queue_.front());
    queue_.pop_front();
    round.changed = true;
  }
  for (auto it = running_.begin(); it != running_.end();) {
    const auto status = scheduler_.poll(it->second.job);
    if (status.state == JobState::running && it->second.started == 0.0) it->second.started = unix_seconds();
    if (!finished(status)) {
      ++it;
      continue;
    }
    const auto id = it->first;
    it = running_.erase(it);
    over(id);
    round.changed = true;
    if (status.state == JobState::succeeded) {
      state_.record(id).state = SimulationState::completed;
    } else {
      round.failures.push_back({id, status.exit_code, status.detail});
    }
  }
  return round;
}

std::vector<ClientFailure> ClientJobs::cancel_silent(const FaultPolicy& policy, const ServerProgress& progress,
                                                     double now) {
  std::vector<ClientFailure> failures;
  for (auto it = running_.begin(); it != running_.end();) {
    const auto silent = policy.silence_to_cancel(it->second.started, progress.last_step_of(it->first), now);
    if (!silent) {
      ++it;
      continue;
    }
    const auto id = it->first;
    scheduler_.cancel(it->second.job);
    it = running_.erase(it);
    over(id);
    failures.push_back({id, -1, fmt::format("no time step for {:.0f} s (fault_tolerance.client_timeout)", *silent)});
  }
  return failures;
}

void ClientJobs::cancel_for_server_restart() {
  for (const auto& [id, client] : running_) {
    scheduler_.cancel(client.job);
    over(id);
  }
  running_.clear();
  for (auto& record : state_.simulations) {
    if (record.state == SimulationState::running) record.state = SimulationState::pending;
  }
}

void ClientJobs::cancel_all() {
  for (const auto& [id, client] : running_) scheduler_.cancel(client.job);
}

void ClientJobs::name_jobs_in_records() {
  for (auto& record : state_.simulations) {
    const auto it = running_.find(record.id);
    record.job = it == running_.end() ? "" : scheduler_.handle(it->second.job);
  }
}

void ClientJobs::submit(std::uint32_t id) {
  auto spec = spec_of_(id);
  spec.name = job_name(id);
  spec.environment.merge(sessions_.environment(spec.name));
  running_[id] = {scheduler_.submit(spec)};
  state_.record(id).state = SimulationState::running;
}

void ClientJobs::over(std::uint32_t id) { sessions_.release(job_name(id)); }

}  // namespace apiary::launcher
