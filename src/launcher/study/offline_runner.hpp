#pragma once
// `apiary offline`: offline training of the same surrogate, for comparison
// with online training (README, "Offline training").
//  1. generate: runs the study's simulations as `apiary run` does, but the
//     server records every sample it accepts into RUN/dataset instead of
//     training (RUN/generate holds that run: plan, logs, summary);
//  2. train: a server with no sockets trains from the dataset, epoch after
//     epoch, until training.batches or training.max_seconds (RUN/train:
//     metrics, model, logs).
// RUN/summary.json holds the training outcome with both phases' figures.
#include <filesystem>
#include <optional>

#include "launcher/study/study_runner.hpp"

namespace apiary::launcher {

struct OfflineOptions {
  RunOptions run;                       // study, --set overrides, run directory, bin directory, quiet
  std::filesystem::path dataset;        // train from this recording instead of generating one
  std::optional<double> train_seconds;  // sets training.max_seconds
};

// Returns the process exit code: 0 when every simulation completed (or a
// dataset was given) and training ran, 1 when a simulation failed (training
// still runs on what was recorded). Throws apiary::ConfigError for a bad
// study or a dataset recorded for another study, apiary::Error otherwise.
int run_offline(const OfflineOptions& options);

}  // namespace apiary::launcher
