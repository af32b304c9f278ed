// The Halton sampler: radical inverses in prime bases, shifted by the seed,
// filling the space more evenly than independent uniform draws.
#include "launcher/sampler/halton_sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sampler/sampler_checks.hpp"

namespace apiary::sampler {
namespace {

const std::vector<config::ParameterRange> kUnitSquare = {{"x", 0.0, 1.0}, {"y", 0.0, 1.0}};

TEST(SamplerHalton, RadicalInverse) {
  EXPECT_DOUBLE_EQ(radical_inverse(0, 2), 0.0);
  EXPECT_DOUBLE_EQ(radical_inverse(1, 2), 0.5);
  EXPECT_DOUBLE_EQ(radical_inverse(2, 2), 0.25);
  EXPECT_DOUBLE_EQ(radical_inverse(3, 2), 0.75);
  EXPECT_DOUBLE_EQ(radical_inverse(6, 2), 0.375);  // 110 -> 0.011
  EXPECT_DOUBLE_EQ(radical_inverse(1, 3), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(radical_inverse(5, 3), 7.0 / 9.0);               // 12 -> 0.21
  EXPECT_DOUBLE_EQ(radical_inverse(7, 5), 2.0 / 5.0 + 1.0 / 25.0);  // 12 -> 0.21
}

// The shift moves every point of a dimension by the same amount modulo 1:
// the gaps between the points of the base-2 dimension stay those of the
// unshifted sequence, whatever the seed.
TEST(SamplerHalton, IsAShiftedHaltonSequence) {
  for (const std::uint64_t seed : {1u, 2u, 99u}) {
    HaltonSampler sampler(kUnitSquare, seed);
    const std::vector<double> first = sampler.draw();
    for (std::uint64_t index = 2; index <= 64; ++index) {
      const std::vector<double> point = sampler.draw();
      for (std::size_t d = 0; d < 2; ++d) {
        const std::uint64_t base = d == 0 ? 2 : 3;
        const double expected = radical_inverse(index, base) - radical_inverse(1, base);
        double gap = point[d] - first[d];
        gap -= std::floor(gap - expected + 0.5);  // the same gap modulo 1
        EXPECT_NEAR(gap, expected, 1e-12) << "seed " << seed << ", index " << index << ", dimension " << d;
      }
    }
  }
}

TEST(SamplerHalton, FillsTheSquareMoreEvenlyThanUniformDraws) {
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const double halton = test::grid_discrepancy(test::draw("halton", kUnitSquare, seed, 256));
    const double uniform = test::grid_discrepancy(test::draw("uniform", kUnitSquare, seed, 256));
    EXPECT_LT(halton, 0.03) << "seed " << seed;
    EXPECT_LT(halton, uniform / 1.5) << "seed " << seed;
  }
}

TEST(SamplerHalton, MeanIsCloserThanTheTolerance) {
  const auto points = test::draw("halton", kUnitSquare, 11, 1024);
  EXPECT_NEAR(test::mean(points, 0), 0.5, 0.002);
  EXPECT_NEAR(test::mean(points, 1), 0.5, 0.002);
}

}  // namespace
}  // namespace apiary::sampler
