#pragma once
// How raw samples are scaled for training (docs: README, "Normalisation").
//  - inputs: each parameter mapped from its study range [min, max] to
//    [-1, 1]; the time-step index from [0, time_steps - 1] to [-1, 1];
//  - outputs: minus their per-value mean, divided by one global standard
//    deviation (per-value deviations would blow up near-constant values),
//    both estimated from the training samples received before training.
// The exported model applies both, so it maps raw inputs to raw fields.
// No libtorch in this header.
#include <cstdint>
#include <utility>
#include <vector>

#include "server/parallel/communicator.hpp"
#include "server/samples/field_statistics.hpp"

namespace apiary::server {

struct Normalization {
  std::vector<float> input_shift;  // x' = (x - shift) * scale
  std::vector<float> input_scale;
  std::vector<float> output_mean;  // y' = (y - mean) / std
  float output_std = 1.0F;
};

// Collective, before the first batch: the inputs' scaling from the study's
// ranges, the outputs' from the statistics of the training samples every
// rank received so far (which freezes them).
Normalization freeze_normalization(const std::vector<std::pair<double, double>>& parameter_ranges,
                                   std::uint32_t time_steps, FieldStatistics& statistics, Communicator& communicator);

}  // namespace apiary::server
