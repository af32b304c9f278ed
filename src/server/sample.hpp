#pragma once
// One training sample: the inputs of a simulation at one time step and the
// whole field the simulation produced at that step.
#include <cstdint>
#include <memory>
#include <vector>

namespace apiary::server {

struct Sample {
  std::uint32_t simulation_id = 0;
  std::uint32_t time_step = 0;
  std::vector<float> inputs;  // raw model inputs: the parameters, then the time-step index
  std::vector<float> field;   // the reassembled global field, float32
};

// Samples are immutable once complete and shared between the buffer, the
// trainer's batch and the metrics without copies.
using SamplePtr = std::shared_ptr<const Sample>;

}  // namespace apiary::server
