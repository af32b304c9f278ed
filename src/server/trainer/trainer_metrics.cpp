#include "server/trainer/trainer_metrics.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

namespace apiary::server {

TrainerMetrics::TrainerMetrics(Communicator& communicator, MetricsLog* log, TrainingBuffer& buffer,
                               std::function<nlohmann::json()> reception)
    : communicator_(communicator),
      log_(log),
      buffer_(buffer),
      reception_(std::move(reception)),
      rank_metrics_(communicator.rank()) {}

void TrainerMetrics::write_training(const TrainingProgress& progress, double learning_rate) {
  const auto local =
      rank_metrics_.record(buffer_.take_window_stats(), progress, reception_ ? reception_() : nlohmann::json::object());
  const auto texts = communicator_.gather(local.dump(), 0);
  if (communicator_.rank() != 0) return;
  std::vector<nlohmann::json> ranks;
  for (const auto& text : texts) ranks.push_back(nlohmann::json::parse(text));
  auto record = aggregate_rank_metrics(ranks);
  record["batch"] = progress.batches;
  record["learning_rate"] = learning_rate;
  record["training_seconds"] = progress.seconds;
  log_->write("train", std::move(record));
}

void TrainerMetrics::write_validation(std::uint64_t batch, double seconds, std::uint64_t samples_trained,
                                      const Validation& validation) {
  if (communicator_.rank() != 0) return;
  log_->write("validation", {{"batch", batch},
                             {"training_seconds", seconds},
                             {"samples_trained", samples_trained},
                             {"validation_mse", validation.mse},
                             {"validation_rel_l2", validation.rel_l2},
                             {"validation_samples", validation.samples}});
  spdlog::info("batch {}: validation mse {:.4g}, relative L2 {:.4g} over {} samples", batch, validation.mse,
               validation.rel_l2, validation.samples);
}

}  // namespace apiary::server
