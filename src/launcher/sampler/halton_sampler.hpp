#pragma once
// The Halton sequence: dimension d is the radical inverse of the point's
// index in the d-th prime base. Its points fill the space more evenly than
// independent draws, so fewer simulations cover the parameter space.
//
// The seed gives each study its own sequence through a Cranley-Patterson
// rotation: one random shift per dimension, added modulo 1. The shifted
// sequence keeps the low discrepancy. Index 0 (the origin) is skipped.
#include <cstdint>
#include <vector>

#include "launcher/sampler/parameter_sampler.hpp"

namespace apiary::sampler {

class HaltonSampler final : public ParameterSampler {
 public:
  HaltonSampler(std::vector<config::ParameterRange> ranges, std::uint64_t seed);
  std::vector<double> draw() override;

 private:
  std::vector<config::ParameterRange> ranges_;
  std::vector<std::uint64_t> bases_;  // the first primes, one per dimension
  std::vector<double> shifts_;        // in [0, 1), one per dimension
  std::uint64_t index_ = 0;
};

// index written in base, digits mirrored after the point: in [0, 1).
double radical_inverse(std::uint64_t index, std::uint64_t base);

}  // namespace apiary::sampler
