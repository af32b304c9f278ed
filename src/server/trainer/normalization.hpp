#pragma once
// How raw samples are scaled for training (docs: README, "Normalisation").
//  - inputs: each parameter mapped from its study range [min, max] to
//    [-1, 1]; the time-step index from [0, time_steps - 1] to [-1, 1];
//  - outputs: minus their per-value mean, divided by one global standard
//    deviation (per-value deviations would blow up near-constant values),
//    both estimated from the training samples received before training.
// The exported model applies both, so it maps raw inputs to raw fields.
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "server/sample.hpp"

namespace apiary::server {

struct Normalization {
  std::vector<float> input_shift;  // x' = (x - shift) * scale
  std::vector<float> input_scale;
  std::vector<float> output_mean;  // y' = (y - mean) / std
  float output_std = 1.0F;
};

// Accumulates per-value sums of the training fields until frozen.
class FieldStatistics {
 public:
  // Everything it holds, for checkpoints.
  struct State {
    bool frozen = false;
    std::uint64_t count = 0;
    std::vector<double> sum;
    std::vector<double> sum_of_squares;
  };

  explicit FieldStatistics(std::size_t field_size);
  void add(const Sample& sample);  // thread safe; ignored once frozen
  // Sums this process's statistics with other processes' in place (the
  // server's ranks each saw a share of the samples).
  using Reduce = std::function<void(std::span<double>)>;
  // Freezes the statistics; returns mean per value and global deviation
  // over the samples of every rank when reduce is given.
  std::pair<std::vector<float>, float> freeze(const Reduce& reduce = {});
  // Samples counted (over every rank once frozen with a reduce).
  std::uint64_t count() const;
  State state() const;
  // Throws apiary::Error when the state is of another field size.
  void restore(State state);

 private:
  mutable std::mutex mutex_;
  bool frozen_ = false;
  std::uint64_t count_ = 0;
  std::vector<double> sum_;
  std::vector<double> sum_of_squares_;
};

}  // namespace apiary::server
