#include "launcher/study/server_progress.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace apiary::launcher {

std::uint64_t ServerProgress::steps_of(std::uint32_t simulation_id) const {
  const auto found = simulations.find(simulation_id);
  return found == simulations.end() ? 0 : found->second.steps;
}

double ServerProgress::last_step_of(std::uint32_t simulation_id) const {
  const auto found = simulations.find(simulation_id);
  return found == simulations.end() ? 0.0 : found->second.last;
}

ServerProgress read_server_progress(const std::filesystem::path& run_dir, int ranks, double since) {
  ServerProgress progress;
  for (int rank = 0; rank < ranks; ++rank) {
    std::ifstream in(run_dir / "progress" / ("rank-" + std::to_string(rank) + ".json"));
    if (!in) continue;
    const auto record = nlohmann::json::parse(in, nullptr, false);
    if (record.is_discarded() || !record.is_object()) continue;
    const double time = record.value("time", 0.0);
    if (time < since) continue;
    progress.oldest_heartbeat = progress.ranks_reporting == 0 ? time : std::min(progress.oldest_heartbeat, time);
    ++progress.ranks_reporting;
    progress.batches = std::max(progress.batches, record.value("batches", std::uint64_t{0}));
    if (const auto resumed = record.find("resumed_from_batch"); resumed != record.end() && resumed->is_number()) {
      progress.resumed_from_batch = resumed->get<std::uint64_t>();
    }
    progress.time_steps_received += record.value("time_steps_received", std::uint64_t{0});
    const auto simulations = record.find("simulations");
    if (simulations == record.end() || !simulations->is_object()) continue;
    for (const auto& [id, entry] : simulations->items()) {
      std::uint32_t simulation_id = 0;
      const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), simulation_id);
      if (error != std::errc() || end != id.data() + id.size() || !entry.is_object()) continue;
      auto& simulation = progress.simulations[simulation_id];
      simulation.steps += entry.value("steps", std::uint64_t{0});
      simulation.last = std::max(simulation.last, entry.value("last", 0.0));
    }
  }
  return progress;
}

}  // namespace apiary::launcher
