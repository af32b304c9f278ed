#include "launcher/sampler/halton_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

namespace apiary::sampler {

namespace {

std::vector<std::uint64_t> first_primes(std::size_t count) {
  std::vector<std::uint64_t> primes;
  for (std::uint64_t candidate = 2; primes.size() < count; ++candidate) {
    const bool prime =
        std::none_of(primes.begin(), primes.end(), [candidate](std::uint64_t p) { return candidate % p == 0; });
    if (prime) primes.push_back(candidate);
  }
  return primes;
}

}  // namespace

double radical_inverse(std::uint64_t index, std::uint64_t base) {
  double value = 0.0;
  double scale = 1.0 / static_cast<double>(base);
  for (; index > 0; index /= base, scale /= static_cast<double>(base)) {
    value += scale * static_cast<double>(index % base);
  }
  return value;
}

HaltonSampler::HaltonSampler(std::vector<config::ParameterRange> ranges, std::uint64_t seed)
    : ranges_(std::move(ranges)), bases_(first_primes(ranges_.size())) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> shift(0.0, 1.0);
  for (std::size_t d = 0; d < ranges_.size(); ++d) shifts_.push_back(shift(rng));
}

std::vector<double> HaltonSampler::draw() {
  ++index_;
  std::vector<double> point;
  point.reserve(ranges_.size());
  for (std::size_t d = 0; d < ranges_.size(); ++d) {
    const double shifted = radical_inverse(index_, bases_[d]) + shifts_[d];
    const double unit = shifted - std::floor(shifted);
    const config::ParameterRange& range = ranges_[d];
    point.push_back(std::clamp(range.min + unit * (range.max - range.min), range.min, range.max));
  }
  return point;
}

}  // namespace apiary::sampler
