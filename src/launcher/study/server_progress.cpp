#include "launcher/study/server_progress.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

using nlohmann::json;

const std::string kPrefix = "rank-";
const std::string kExtension = ".json";

template <typename T>
std::optional<T> number(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number()) return std::nullopt;
  return found->get<T>();
}

// The rank in a file name "rank-R.json"; nothing for another name.
std::optional<int> rank_of(const std::string& name) {
  if (!name.starts_with(kPrefix) || !name.ends_with(kExtension)) return std::nullopt;
  const char* first = name.data() + kPrefix.size();
  const char* last = name.data() + name.size() - kExtension.size();
  int rank = 0;
  const auto [end, error] = std::from_chars(first, last, rank);
  if (error != std::errc() || end != last || rank < 0) return std::nullopt;
  return rank;
}

}  // namespace

std::uint64_t ServerProgress::steps_of(std::uint32_t simulation_id) const {
  const auto found = simulations.find(simulation_id);
  return found == simulations.end() ? 0 : found->second.steps;
}

double ServerProgress::last_step_of(std::uint32_t simulation_id) const {
  const auto found = simulations.find(simulation_id);
  return found == simulations.end() ? 0.0 : found->second.last;
}

fs::path rank_progress_file(const fs::path& run_dir, int rank) {
  return run_dir / "progress" / (kPrefix + std::to_string(rank) + kExtension);
}

std::vector<fs::path> rank_progress_files(const fs::path& run_dir) {
  std::map<int, fs::path> by_rank;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(run_dir / "progress", error)) {
    if (const auto rank = rank_of(entry.path().filename().string())) by_rank[*rank] = entry.path();
  }
  std::vector<fs::path> files;
  for (auto& [rank, file] : by_rank) files.push_back(std::move(file));
  return files;
}

std::optional<RankProgress> read_rank_progress(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  const auto record = json::parse(in, nullptr, false);
  if (record.is_discarded() || !record.is_object()) return std::nullopt;
  RankProgress progress;
  progress.time = number<double>(record, "time");
  progress.batches = number<std::uint64_t>(record, "batches");
  progress.resumed_from_batch = number<std::uint64_t>(record, "resumed_from_batch");
  progress.time_steps_received = number<std::uint64_t>(record, "time_steps_received").value_or(0);
  const auto simulations = record.find("simulations");
  if (simulations == record.end() || !simulations->is_object()) return progress;
  for (const auto& [id, entry] : simulations->items()) {
    std::uint32_t simulation_id = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), simulation_id);
    if (error != std::errc() || end != id.data() + id.size() || !entry.is_object()) continue;
    progress.simulations[simulation_id] = {number<std::uint64_t>(entry, "steps").value_or(0),
                                           number<double>(entry, "last").value_or(0.0)};
  }
  return progress;
}

ServerProgress read_server_progress(const fs::path& run_dir, int ranks, double since) {
  ServerProgress progress;
  for (int rank = 0; rank < ranks; ++rank) {
    const auto read = read_rank_progress(rank_progress_file(run_dir, rank));
    if (!read) continue;
    const double time = read->time.value_or(0.0);
    if (time < since) continue;
    progress.oldest_heartbeat = progress.ranks_reporting == 0 ? time : std::min(progress.oldest_heartbeat, time);
    ++progress.ranks_reporting;
    progress.batches = std::max(progress.batches, read->batches.value_or(0));
    if (read->resumed_from_batch) progress.resumed_from_batch = read->resumed_from_batch;
    progress.time_steps_received += read->time_steps_received;
    for (const auto& [id, simulation] : read->simulations) {
      auto& total = progress.simulations[id];
      total.steps += simulation.steps;
      total.last = std::max(total.last, simulation.last);
    }
  }
  return progress;
}

}  // namespace apiary::launcher
