#pragma once
// A rank's trainer counters and normalisation in a checkpoint
// (trainer-R.bin): what the trainer needs besides the model and the
// optimizer to continue as if it had not stopped.
#include <cstdint>
#include <filesystem>

#include "server/trainer/normalization.hpp"

namespace apiary::server {

struct TrainerState {
  std::uint64_t batches = 0;          // optimizer steps, the same on every rank
  std::uint64_t samples_trained = 0;  // by every rank together
  std::uint64_t local_samples_trained = 0;
  double seconds = 0.0;  // training time, so that training.max_seconds keeps counting
  Normalization normalization;
};

std::filesystem::path trainer_state_file(const std::filesystem::path& checkpoint_dir, int rank);
// Returns the file's size in bytes.
std::uint64_t save_trainer_state(const std::filesystem::path& checkpoint_dir, int rank, const TrainerState& state);
// Throws apiary::Error naming the file when it is missing or corrupt.
TrainerState load_trainer_state(const std::filesystem::path& checkpoint_dir, int rank);

}  // namespace apiary::server
