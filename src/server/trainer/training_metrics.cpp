#include "server/trainer/training_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "server/metrics/resident_memory.hpp"
#include "server/metrics/seen_histogram.hpp"

namespace apiary::server {
namespace {

double rate(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0.0; }

nlohmann::json latency_json(const LatencySummary& latency) {
  return {{"median", latency.median}, {"p99", latency.p99}};
}

// Pools per-rank means and standard deviations of the inputs, weighted by
// the samples each rank's buffer holds.
std::pair<std::vector<double>, std::vector<double>> pooled_moments(const std::vector<nlohmann::json>& ranks) {
  std::vector<double> sum, sum_of_squares;
  double count = 0.0;
  for (const auto& r : ranks) {
    const auto mean = r["input_mean"].get<std::vector<double>>();
    const auto deviation = r["input_std"].get<std::vector<double>>();
    const double n = r["buffer_size"].get<double>();
    if (mean.empty() || n == 0) continue;
    sum.resize(mean.size(), 0.0);
    sum_of_squares.resize(mean.size(), 0.0);
    for (std::size_t i = 0; i < mean.size() && i < sum.size(); ++i) {
      sum[i] += n * mean[i];
      sum_of_squares[i] += n * (deviation[i] * deviation[i] + mean[i] * mean[i]);
    }
    count += n;
  }
  std::vector<double> mean(sum.size()), deviation(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) {
    mean[i] = sum[i] / count;
    deviation[i] = std::sqrt(std::max(0.0, sum_of_squares[i] / count - mean[i] * mean[i]));
  }
  return {mean, deviation};
}

}  // namespace

nlohmann::json RankMetrics::record(const BufferStats& buffer, const TrainingProgress& progress,
                                   const nlohmann::json& reception) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - previous_time_).count();
  const auto samples_received = reception.value("time_steps_received", std::uint64_t{0});
  const auto bytes_received = reception.value("bytes", std::uint64_t{0});
  nlohmann::json record = {
      {"rank", rank_},
      {"samples_trained", progress.samples_trained},
      {"loss", progress.loss},
      {"last_batch_samples", progress.last_batch_samples},
      {"samples_per_s", rate(static_cast<double>(progress.window_samples), progress.window_seconds)},
      {"batches_per_s", rate(static_cast<double>(progress.window_batches), progress.window_seconds)},
      {"gradient_wait_fraction",
       progress.window_seconds > 0 ? progress.window_gradient_wait_seconds / progress.window_seconds : 0.0},
      {"received_samples_per_s", rate(static_cast<double>(samples_received - previous_samples_received_), elapsed)},
      {"received_bytes_per_s", rate(static_cast<double>(bytes_received - previous_bytes_received_), elapsed)},
      {"buffer_size", buffer.size},
      {"buffer_capacity", buffer.capacity},
      {"buffer_occupancy", buffer.occupancy},
      {"puts", buffer.puts},
      {"gets", buffer.gets},
      {"put_get_inc", static_cast<std::int64_t>(buffer.puts) - static_cast<std::int64_t>(buffer.gets)},
      {"put_latency_s", latency_json(buffer.put_latency)},
      {"get_latency_s", latency_json(buffer.get_latency)},
      {"seen_histogram", seen_histogram_json(buffer.seen_histogram)},
      {"input_mean", buffer.input_mean},
      {"input_std", buffer.input_std},
      {"reception", reception},
      {"resident_bytes", resident_memory().current_bytes},
  };
  previous_samples_received_ = samples_received;
  previous_bytes_received_ = bytes_received;
  previous_time_ = now;
  return record;
}

nlohmann::json aggregate_rank_metrics(const std::vector<nlohmann::json>& ranks) {
  nlohmann::json total = {{"samples_trained", 0},
                          {"samples_per_s", 0.0},
                          {"received_samples_per_s", 0.0},
                          {"received_bytes_per_s", 0.0},
                          {"buffer_size", 0},
                          {"buffer_capacity", 0},
                          {"puts", 0},
                          {"gets", 0},
                          {"put_get_inc", 0}};
  double weighted_loss = 0.0, loss_samples = 0.0;
  std::uint64_t resident = 0;
  LatencySummary worst_put, worst_get;
  SeenHistogram histogram;
  for (const auto& r : ranks) {
    for (const char* key : {"samples_trained", "buffer_size", "buffer_capacity", "puts", "gets"})
      total[key] = total[key].get<std::uint64_t>() + r[key].get<std::uint64_t>();
    for (const char* key : {"samples_per_s", "received_samples_per_s", "received_bytes_per_s"})
      total[key] = total[key].get<double>() + r[key].get<double>();
    total["put_get_inc"] = total["put_get_inc"].get<std::int64_t>() + r["put_get_inc"].get<std::int64_t>();
    const double n = r["last_batch_samples"].get<double>();
    weighted_loss += n * r["loss"].get<double>();
    loss_samples += n;
    worst_put.median = std::max(worst_put.median, r["put_latency_s"]["median"].get<double>());
    worst_put.p99 = std::max(worst_put.p99, r["put_latency_s"]["p99"].get<double>());
    worst_get.median = std::max(worst_get.median, r["get_latency_s"]["median"].get<double>());
    worst_get.p99 = std::max(worst_get.p99, r["get_latency_s"]["p99"].get<double>());
    add_seen_histogram(histogram, r["seen_histogram"]);
    resident = std::max(resident, r["resident_bytes"].get<std::uint64_t>());
  }
  total["resident_bytes_max_rank"] = resident;
  double worst_wait = 0.0;
  for (const auto& r : ranks) worst_wait = std::max(worst_wait, r["gradient_wait_fraction"].get<double>());
  total["gradient_wait_fraction"] = worst_wait;
  const auto capacity = total["buffer_capacity"].get<double>();
  total["buffer_occupancy"] = capacity > 0 ? total["buffer_size"].get<double>() / capacity : 0.0;
  total["loss"] = loss_samples > 0 ? weighted_loss / loss_samples : 0.0;
  total["batches_per_s"] = ranks.empty() ? 0.0 : ranks.front()["batches_per_s"].get<double>();
  total["put_latency_s"] = latency_json(worst_put);
  total["get_latency_s"] = latency_json(worst_get);
  total["seen_histogram"] = seen_histogram_json(histogram);
  const auto [mean, deviation] = pooled_moments(ranks);
  total["input_mean"] = mean;
  total["input_std"] = deviation;
  total["ranks"] = ranks;
  return total;
}

}  // namespace apiary::server
