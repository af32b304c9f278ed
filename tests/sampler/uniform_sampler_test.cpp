// The uniform sampler is std::mt19937_64 seeded with the study's seed.
#include "launcher/sampler/uniform_sampler.hpp"

#include <gtest/gtest.h>

#include <random>

#include "sampler/sampler_checks.hpp"

namespace apiary::sampler {
namespace {

TEST(SamplerUniform, IsTheSeededMersenneTwister) {
  const std::vector<config::ParameterRange> ranges = {{"a", 0.0, 1.0}, {"b", 10.0, 20.0}};
  UniformSampler sampler(ranges, 17);
  std::mt19937_64 rng(17);
  for (int i = 0; i < 10; ++i) {
    const std::vector<double> point = sampler.draw();
    EXPECT_EQ(point[0], std::uniform_real_distribution<double>(0.0, 1.0)(rng));
    EXPECT_EQ(point[1], std::uniform_real_distribution<double>(10.0, 20.0)(rng));
  }
}

}  // namespace
}  // namespace apiary::sampler
