#pragma once
// Per simulation, the distinct steps this rank completed and when it last
// completed one: what the progress file reports, so that the launcher can
// tell a client that sends nothing. Written by the receiver thread, read by
// the progress thread, hence the lock (held for one map update per step).
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

#include "common/elapsed.hpp"

namespace apiary::server {

struct SimulationSteps {
  std::uint64_t steps = 0;
  double last = 0.0;  // unix seconds of the last completion
};

class SimulationProgress {
 public:
  // A step completed now (or restored: `steps` more at once).
  void completed(std::uint32_t simulation_id, std::uint64_t steps = 1) {
    const double now = unix_seconds();
    std::lock_guard lock(mutex_);
    auto& entry = simulations_[simulation_id];
    entry.steps += steps;
    entry.last = now;
  }
  std::map<std::uint32_t, SimulationSteps> snapshot() const {
    std::lock_guard lock(mutex_);
    return simulations_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::uint32_t, SimulationSteps> simulations_;
};

}  // namespace apiary::server
