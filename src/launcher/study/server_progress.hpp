#pragma once
// What the server's ranks last said about themselves: each rewrites
// RUN_DIR/progress/rank-R.json about every second (its heartbeat) with the
// time steps it holds per simulation. The launcher reads it to tell a dead
// or hung server, a client that sends nothing, and which simulations a
// restarted server still lacks steps of; `apiary status` to show it.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

namespace apiary::launcher {

struct SimulationProgress {
  std::uint64_t steps = 0;  // distinct time steps the server holds, over its ranks
  double last = 0.0;        // unix seconds of the last step a rank completed
};

// One rank's file. A field it lacks, or of another type, is left out.
struct RankProgress {
  std::optional<double> time;  // unix seconds of the write: the heartbeat
  std::optional<std::uint64_t> batches;
  std::optional<std::uint64_t> resumed_from_batch;
  std::uint64_t time_steps_received = 0;
  std::map<std::uint32_t, SimulationProgress> simulations;
};

struct ServerProgress {
  int ranks_reporting = 0;        // ranks whose file was read (and, with `since`, is recent enough)
  double oldest_heartbeat = 0.0;  // unix seconds: the least recent rank's last write
  std::uint64_t batches = 0;
  std::optional<std::uint64_t> resumed_from_batch;
  std::uint64_t time_steps_received = 0;
  std::map<std::uint32_t, SimulationProgress> simulations;

  std::uint64_t steps_of(std::uint32_t simulation_id) const;
  double last_step_of(std::uint32_t simulation_id) const;  // 0 when it has none
};

std::filesystem::path rank_progress_file(const std::filesystem::path& run_dir, int rank);
// The rank files present, whatever the number of ranks, in rank order.
std::vector<std::filesystem::path> rank_progress_files(const std::filesystem::path& run_dir);
// Nothing when the file is missing or not (yet) a JSON object.
std::optional<RankProgress> read_rank_progress(const std::filesystem::path& file);

// Reads the files of ranks 0..ranks-1. A rank whose file is missing, being
// replaced, or older than `since` (unix seconds: a previous server's)
// does not report.
ServerProgress read_server_progress(const std::filesystem::path& run_dir, int ranks, double since = 0.0);

}  // namespace apiary::launcher
