#pragma once
// The trainer's records in the metrics stream: "train" records (every
// rank's, gathered to rank 0, which writes them with their aggregate) and
// "validation" records (rank 0). No libtorch.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "server/buffer/training_buffer.hpp"
#include "server/metrics/metrics_log.hpp"
#include "server/parallel/communicator.hpp"
#include "server/trainer/trainer.hpp"
#include "server/trainer/training_metrics.hpp"

namespace apiary::server {

class TrainerMetrics {
 public:
  // log: null on every rank but 0. reception: this rank's counters, added
  // to its record (none when empty).
  TrainerMetrics(Communicator& communicator, MetricsLog* log, TrainingBuffer& buffer,
                 std::function<nlohmann::json()> reception);

  // Collective: this rank's record, from its buffer's window statistics,
  // goes to rank 0, which writes the aggregate at this learning rate.
  void write_training(const TrainingProgress& progress, double learning_rate);

  // Rank 0 only (the others ignore it); seconds and samples_trained locate
  // the record on a learning curve: training time before this validation,
  // samples trained by every rank.
  void write_validation(std::uint64_t batch, double seconds, std::uint64_t samples_trained,
                        const Validation& validation);

 private:
  Communicator& communicator_;
  MetricsLog* log_;
  TrainingBuffer& buffer_;
  std::function<nlohmann::json()> reception_;
  RankMetrics rank_metrics_;
};

}  // namespace apiary::server
