#include "launcher/study/progress.hpp"

#include <spdlog/fmt/fmt.h>

namespace apiary::launcher {

SimulationCounts simulation_counts(const LauncherState& state) {
  return {state.simulations.size() - state.count(SimulationState::redrawn), state.count(SimulationState::pending),
          state.count(SimulationState::running), state.count(SimulationState::completed),
          state.count(SimulationState::failed)};
}

void MetricsFollower::update() {
  std::ifstream in(file_);
  if (!in) return;
  in.seekg(offset_);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a line still being written: read it next time
    offset_ = in.tellg();
    const auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.contains("event")) continue;
    if (record["event"] == "train") training_ = record;
    if (record["event"] == "validation") validation_ = record;
  }
}

namespace {

std::string training_part(const MetricsFollower& metrics) {
  std::string line;
  const auto& train = metrics.last_training();
  if (train.contains("samples_trained")) {
    line += fmt::format(" | trained {} samples ({:.0f}/s), loss {:.4g}", train["samples_trained"].get<std::uint64_t>(),
                        train["samples_per_s"].get<double>(), train["loss"].get<double>());
  }
  const auto& validation = metrics.last_validation();
  if (validation.contains("validation_rel_l2")) {
    line += fmt::format(", validation rel. L2 {:.4g}", validation["validation_rel_l2"].get<double>());
  }
  return line;
}

}  // namespace

std::string progress_line(double seconds, const SimulationCounts& counts, const MetricsFollower& metrics) {
  return fmt::format("[{:6.1f}s] simulations {}/{} done, {} running, {} failed", seconds, counts.succeeded,
                     counts.total, counts.running, counts.failed) +
         training_part(metrics);
}

std::string training_progress_line(double seconds, const MetricsFollower& metrics) {
  const auto part = training_part(metrics);
  return fmt::format("[{:6.1f}s] training from the dataset", seconds) + (part.empty() ? ": starting" : part);
}

}  // namespace apiary::launcher
