#pragma once
// Independent uniform draws: the baseline, and the right choice when the
// number of simulations is not known in advance and gaps do not matter.
#include <cstdint>
#include <random>
#include <vector>

#include "launcher/sampler/parameter_sampler.hpp"

namespace apiary::sampler {

class UniformSampler final : public ParameterSampler {
 public:
  UniformSampler(std::vector<config::ParameterRange> ranges, std::uint64_t seed);
  std::vector<double> draw() override;

 private:
  std::vector<config::ParameterRange> ranges_;
  std::mt19937_64 rng_;
};

}  // namespace apiary::sampler
