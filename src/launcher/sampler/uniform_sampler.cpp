#include "launcher/sampler/uniform_sampler.hpp"

#include <algorithm>
#include <utility>

namespace apiary::sampler {

UniformSampler::UniformSampler(std::vector<config::ParameterRange> ranges, std::uint64_t seed)
    : ranges_(std::move(ranges)), rng_(seed) {}

std::vector<double> UniformSampler::draw() {
  std::vector<double> point;
  point.reserve(ranges_.size());
  for (const config::ParameterRange& range : ranges_) {
    std::uniform_real_distribution<double> value(range.min, range.max);
    // Rounding can land a draw on max, never beyond; clamp keeps that promise explicit.
    point.push_back(std::clamp(value(rng_), range.min, range.max));
  }
  return point;
}

}  // namespace apiary::sampler
