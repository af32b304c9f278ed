#pragma once
// The training loop of one server rank: draws its share of each global
// batch from its own training buffer, trains the surrogate with Adam and
// gradients averaged over the ranks, validates on the held-out simulations,
// writes metrics (rank 0, for every rank), and exports the trained model
// (rank 0). The receiver threads keep filling the buffer meanwhile. No
// libtorch in this header.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "config/study_config.hpp"
#include "server/buffer/training_buffer.hpp"
#include "server/metrics/metrics_log.hpp"
#include "server/parallel/communicator.hpp"
#include "server/samples/field_statistics.hpp"
#include "server/samples/validation_set.hpp"

namespace apiary::server {

struct TrainerOptions {
  config::TrainingSection training;
  std::filesystem::path model_source;  // TorchScript file, empty for the built-in MLP
  std::vector<std::pair<double, double>> parameter_ranges;
  std::uint32_t time_steps = 1;
  std::size_t output_size = 0;
  int threads = 0;  // torch threads of this rank; 0 = libtorch's default
  config::ComputeDevice device = config::ComputeDevice::automatic;  // server.device
  std::size_t metrics_every = 100;
  // Online, a full buffer blocks reception, and a blocked client may be the
  // one that feeds another rank: the ranks then step without waiting for a
  // rank's batch. Offline, the buffer is filled by the rank's own dataset
  // loader, which a full buffer cannot deadlock: waiting keeps every rank's
  // share of each epoch exact.
  bool full_buffer_forces_step = true;
  std::filesystem::path model_output;  // where the trained model is exported
  std::filesystem::path probe_output;  // one validation prediction, for cross-checks
  // A checkpoint into checkpoint_run_dir/checkpoints every this many
  // batches (0: never), all ranks together, at a batch boundary.
  std::uint64_t checkpoint_every = 0;
  std::filesystem::path checkpoint_run_dir;
  // A checkpoint directory to continue from (empty: start afresh). The
  // rank's own state (buffer, validation set, reception) is restored by
  // its owner before training starts; the trainer restores the model,
  // the optimizer, its counters and normalisation.
  std::filesystem::path resume_from;
};

struct Validation {
  double mse = 0.0;
  double rel_l2 = 0.0;
  std::size_t samples = 0;
};

struct TrainResult {
  std::uint64_t batches = 0;          // optimizer steps, the same on every rank
  std::uint64_t samples_trained = 0;  // by every rank together
  std::uint64_t local_samples_trained = 0;
  std::uint64_t samples_drawn_not_trained = 0;  // this rank's batch in hand when training stopped
  std::uint64_t optimizer_steps = 0;            // Adam's step count: batches, across a resume too
  double seconds = 0.0;                         // from the first batch to the last
  double samples_per_second = 0.0;
  Validation validation;  // final, over every held-out sample
  std::string device;     // where this rank trained, e.g. "cpu" or "cuda:0"
};

// Writes this rank's part of a checkpoint (buffer, validation set,
// statistics, reception) into the directory, consistently; returns its
// bytes.
using RankStateSaver = std::function<std::uint64_t(const std::filesystem::path&)>;

struct TrainerInputs {
  TrainingBuffer& buffer;
  ValidationSet& validation;
  FieldStatistics& statistics;
  MetricsLog* metrics;                                // rank 0 writes every rank's records; null on the other ranks
  std::function<nlohmann::json()> reception_metrics;  // this rank's counters, added to its metrics
  Communicator& communicator;
  RankStateSaver save_rank_state = {};                 // needed when checkpoint_every > 0
  std::atomic<std::uint64_t>* batches_done = nullptr;  // kept current when given (the progress file)
};

class Trainer {
 public:
  Trainer(TrainerOptions options, TrainerInputs inputs);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Trains until training.batches or until every rank's buffer is
  // exhausted, then validates and exports. Closes the buffer when done, so
  // reception never blocks on a trainer that stopped. Every rank calls it.
  TrainResult run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apiary::server
