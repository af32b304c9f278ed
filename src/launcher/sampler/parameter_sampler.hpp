#pragma once
// Draws the parameters of each simulation. One sampler per study, built by
// name from [study] sampler; draw() gives the next point of its sequence.
#include <cstdint>
#include <memory>
#include <vector>

#include "config/study_config.hpp"

namespace apiary::sampler {

class ParameterSampler {
 public:
  virtual ~ParameterSampler();
  // One point: one value per range, in the ranges' order, each in [min, max].
  virtual std::vector<double> draw() = 0;
};

// The same kind, ranges and seed give the same sequence of points.
std::unique_ptr<ParameterSampler> make_sampler(config::SamplerKind kind,
                                               const std::vector<config::ParameterRange>& ranges, std::uint64_t seed);

}  // namespace apiary::sampler
