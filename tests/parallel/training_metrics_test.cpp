// The metrics records of the data-parallel server: per rank, and the
// aggregate rank 0 writes (src/server/trainer/training_metrics.hpp).
#include "server/trainer/training_metrics.hpp"

#include <gtest/gtest.h>

namespace apiary::server {
namespace {

BufferStats buffer_holding(std::size_t size, std::vector<double> mean, std::vector<double> deviation) {
  BufferStats stats;
  stats.size = size;
  stats.capacity = 100;
  stats.occupancy = static_cast<double>(size) / 100.0;
  stats.puts = size + 10;
  stats.gets = 10;
  stats.seen_histogram = {{0, size}, {1, 10}};
  stats.put_latency = {0.001, 0.002};
  stats.get_latency = {0.003, 0.004};
  stats.input_mean = std::move(mean);
  stats.input_std = std::move(deviation);
  return stats;
}

nlohmann::json rank_record(int rank, const BufferStats& stats, std::uint64_t samples, float loss) {
  TrainingProgress progress;
  progress.batches = 10;
  progress.samples_trained = samples;
  progress.loss = loss;
  progress.last_batch_samples = 4;
  progress.window_samples = samples;
  progress.window_seconds = 2.0;
  progress.window_batches = 10;
  return RankMetrics(rank).record(stats, progress, {{"time_steps_received", 50}, {"bytes", 1000}});
}

TEST(TrainingMetrics, RankRecordCarriesTheBufferAndTrainingFigures) {
  const auto record = rank_record(1, buffer_holding(20, {1.0}, {0.5}), 40, 0.25F);
  EXPECT_EQ(record["rank"], 1);
  EXPECT_DOUBLE_EQ(record["samples_per_s"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(record["batches_per_s"].get<double>(), 5.0);
  EXPECT_EQ(record["put_get_inc"], 20);
  EXPECT_DOUBLE_EQ(record["buffer_occupancy"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(record["put_latency_s"]["p99"].get<double>(), 0.002);
  EXPECT_DOUBLE_EQ(record["get_latency_s"]["median"].get<double>(), 0.003);
  EXPECT_EQ(record["seen_histogram"]["0"], 20);
  EXPECT_GT(record["received_samples_per_s"].get<double>(), 0.0);
  EXPECT_EQ(record["reception"]["bytes"], 1000);
}

TEST(TrainingMetrics, AggregateSumsCountsAndPoolsInputMoments) {
  // Rank 0 holds 10 samples of input value 0 (std 0), rank 1 holds 30 of
  // value 4 (std 0): pooled mean 3, pooled variance 0.25*9 + 0.75*1 = 3.
  const auto total = aggregate_rank_metrics({rank_record(0, buffer_holding(10, {0.0}, {0.0}), 40, 1.0F),
                                             rank_record(1, buffer_holding(30, {4.0}, {0.0}), 40, 3.0F)});
  EXPECT_EQ(total["samples_trained"], 80);
  EXPECT_DOUBLE_EQ(total["samples_per_s"].get<double>(), 40.0);
  EXPECT_EQ(total["buffer_size"], 40);
  EXPECT_EQ(total["buffer_capacity"], 200);
  EXPECT_DOUBLE_EQ(total["buffer_occupancy"].get<double>(), 0.2);
  EXPECT_EQ(total["put_get_inc"], 40);
  EXPECT_EQ(total["seen_histogram"]["0"], 40);
  EXPECT_EQ(total["seen_histogram"]["1"], 20);
  EXPECT_DOUBLE_EQ(total["input_mean"][0].get<double>(), 3.0);
  EXPECT_NEAR(total["input_std"][0].get<double>(), std::sqrt(3.0), 1e-12);
  EXPECT_DOUBLE_EQ(total["loss"].get<double>(), 2.0);  // both ranks' last batches had 4 samples
  EXPECT_EQ(total["ranks"].size(), 2u);
}

TEST(TrainingMetrics, EmptyBuffersGiveNoInputMoments) {
  const auto total = aggregate_rank_metrics({rank_record(0, buffer_holding(0, {}, {}), 0, 0.0F)});
  EXPECT_TRUE(total["input_mean"].empty());
  EXPECT_EQ(total["buffer_size"], 0);
}

}  // namespace
}  // namespace apiary::server
