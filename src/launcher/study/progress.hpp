#pragma once
// The study's progress on the terminal: simulations from the launcher's own
// bookkeeping, training from the server's metrics stream.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "launcher/study/launcher_state.hpp"

namespace apiary::launcher {

struct SimulationCounts {
  std::size_t total = 0;
  std::size_t pending = 0;
  std::size_t running = 0;
  std::size_t succeeded = 0;
  std::size_t failed = 0;
};

// Redrawn simulations do not count: their replacements do.
SimulationCounts simulation_counts(const LauncherState& state);

// Reads the lines appended to metrics.jsonl since the last call.
class MetricsFollower {
 public:
  explicit MetricsFollower(std::filesystem::path file) : file_(std::move(file)) {}
  void update();
  const nlohmann::json& last_training() const { return training_; }
  const nlohmann::json& last_validation() const { return validation_; }

 private:
  std::filesystem::path file_;
  std::streamoff offset_ = 0;
  nlohmann::json training_ = nlohmann::json::object();
  nlohmann::json validation_ = nlohmann::json::object();
};

std::string progress_line(double seconds, const SimulationCounts& counts, const MetricsFollower& metrics);
// Training without simulations (offline training from a dataset).
std::string training_progress_line(double seconds, const MetricsFollower& metrics);

}  // namespace apiary::launcher
