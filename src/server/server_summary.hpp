#pragma once
// server_summary.json: what each rank received, stored and trained, and the
// totals over the ranks (README, "Results", documents the fields).
#include <nlohmann/json.hpp>
#include <vector>

#include "server/buffer/training_buffer.hpp"
#include "server/ingest/ingest.hpp"
#include "server/trainer/trainer.hpp"

namespace apiary::server {

struct RankOutcome {
  int rank = 0;
  const TrainResult& training;
  const IngestCounters& reception;
  const BufferStats& buffer;
  std::uint64_t samples_refused_after_training = 0;
};

// One rank's part, as JSON (sent to rank 0).
nlohmann::json rank_summary(const RankOutcome& outcome);

// The summary: validation and optimizer steps (the same on every rank),
// sums of the counters, the largest peak memory, and every rank's part
// under "ranks".
nlohmann::json combine_rank_summaries(const std::vector<nlohmann::json>& ranks, const TrainResult& training,
                                      const std::string& buffer_kind);

}  // namespace apiary::server
