#pragma once
// The "train" records of the metrics stream: one per rank, built from its
// buffer's window statistics and its reception counters, then aggregated
// over the ranks by rank 0 (README, "Metrics", documents every field).
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "server/buffer/training_buffer.hpp"

namespace apiary::server {

// What the training loop of one rank did, cumulative and over the window
// since the last record.
struct TrainingProgress {
  std::uint64_t batches = 0;
  std::uint64_t samples_trained = 0;  // by this rank
  float loss = 0.0F;                  // this rank's mean loss on its last batch
  std::uint64_t last_batch_samples = 0;
  double seconds = 0.0;  // since the first batch
  std::uint64_t window_batches = 0;
  std::uint64_t window_samples = 0;
  double window_seconds = 0.0;
  double window_gradient_wait_seconds = 0.0;  // waiting for other ranks' gradients
};

class RankMetrics {
 public:
  explicit RankMetrics(int rank) : rank_(rank) {}
  // reception: the ingest counters (cumulative); rates are taken over the
  // time since the previous record.
  nlohmann::json record(const BufferStats& buffer, const TrainingProgress& progress, const nlohmann::json& reception);

 private:
  int rank_;
  std::uint64_t previous_samples_received_ = 0;
  std::uint64_t previous_bytes_received_ = 0;
  std::chrono::steady_clock::time_point previous_time_ = std::chrono::steady_clock::now();
};

// One record for the whole server: sums, worst-rank latencies, the buffers'
// input moments pooled, plus every rank's own record under "ranks".
nlohmann::json aggregate_rank_metrics(const std::vector<nlohmann::json>& ranks);

}  // namespace apiary::server
