#pragma once
// server_summary.json: what each rank received, stored and trained, and the
// totals over the ranks (README, "Results", documents the fields).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <vector>

#include "server/buffer/training_buffer.hpp"
#include "server/ingest/gatekeeper.hpp"
#include "server/ingest/ingest.hpp"
#include "server/trainer/trainer.hpp"

namespace apiary::server {

// What one rank's reception saw: messages, connections, failed simulations.
struct ReceptionOutcome {
  const IngestCounters& ingest;
  const ConnectionCounters& connections;
  const std::set<std::uint32_t>& failed_simulations;
};

struct RankOutcome {
  int rank = 0;
  const TrainResult& training;
  const ReceptionOutcome& reception;
  const BufferStats& buffer;
  std::uint64_t samples_refused_after_training = 0;
};

// What one rank received: time steps, samples by role, duplicates,
// rejections, refused connections, failed simulations, messages and bytes.
nlohmann::json reception_summary(const ReceptionOutcome& reception);
// Sums of reception_summary over the ranks (and their largest peak_resident_bytes, when given).
nlohmann::json combine_reception_summaries(const std::vector<nlohmann::json>& ranks);

// One rank's part, as JSON (sent to rank 0): its reception_summary, what it
// trained, its buffer, its peak memory.
nlohmann::json rank_summary(const RankOutcome& outcome);

// Offline training: the "dataset" parts of the ranks' summaries (each a
// DatasetLoader's counters) as one, with the dataset's directory.
nlohmann::json combine_dataset_counters(const std::vector<nlohmann::json>& ranks, const std::filesystem::path& dir);

// The summary: validation and optimizer steps (the same on every rank),
// sums of the counters, the largest peak memory, and every rank's part
// under "ranks".
nlohmann::json combine_rank_summaries(const std::vector<nlohmann::json>& ranks, const TrainResult& training,
                                      std::string_view buffer_kind);

}  // namespace apiary::server
