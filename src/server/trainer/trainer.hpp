#pragma once
// The training loop: draws batches from the training buffer, trains the
// surrogate with Adam, validates on the held-out simulations, writes
// metrics, and exports the trained model. Runs on its own thread; the
// receiver keeps filling the buffer meanwhile. No libtorch in this header.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "config/study_config.hpp"
#include "server/buffer/training_buffer.hpp"
#include "server/metrics/metrics_log.hpp"
#include "server/trainer/normalization.hpp"
#include "server/trainer/validation_set.hpp"

namespace apiary::server {

struct TrainerOptions {
  config::TrainingSection training;
  std::filesystem::path model_source;  // TorchScript file, empty for the built-in MLP
  std::vector<std::pair<double, double>> parameter_ranges;
  std::uint32_t time_steps = 1;
  std::size_t output_size = 0;
  int threads = 0;
  std::size_t metrics_every = 100;
  std::filesystem::path model_output;  // where the trained model is exported
  std::filesystem::path probe_output;  // one validation prediction, for cross-checks
};

struct Validation {
  double mse = 0.0;
  double rel_l2 = 0.0;
  std::size_t samples = 0;
};

struct TrainResult {
  std::uint64_t batches = 0;
  std::uint64_t samples_trained = 0;
  double seconds = 0.0;  // from the first batch to the last
  double samples_per_second = 0.0;
  Validation validation;  // final, over every held-out sample
};

struct TrainerInputs {
  TrainingBuffer& buffer;
  ValidationSet& validation;
  FieldStatistics& statistics;
  MetricsLog& metrics;
  std::function<nlohmann::json()> reception_metrics;  // added to each metrics line
};

class Trainer {
 public:
  Trainer(TrainerOptions options, TrainerInputs inputs);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Trains until training.batches or until the buffer is exhausted, then
  // validates and exports. Closes the buffer when done, so reception never
  // blocks on a trainer that stopped.
  TrainResult run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apiary::server
