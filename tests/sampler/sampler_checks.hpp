#pragma once
// Helpers shared by the sampler tests: drawing many points, and measuring
// how evenly points fill the unit square.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/study_config.hpp"
#include "launcher/sampler/parameter_sampler.hpp"

namespace apiary::sampler::test {

using Points = std::vector<std::vector<double>>;

inline Points draw(const std::string& kind, const std::vector<config::ParameterRange>& ranges, std::uint64_t seed,
                   std::size_t count) {
  auto sampler = make_sampler(config::option_named<config::SamplerKind>(kind).value(), ranges, seed);
  Points points;
  for (std::size_t i = 0; i < count; ++i) points.push_back(sampler->draw());
  return points;
}

// Star discrepancy of 2-D points in [0, 1]^2, on a grid: the largest gap
// between the share of points in a box [0, a) x [0, b) and its area a * b.
inline double grid_discrepancy(const Points& points, int grid = 32) {
  double worst = 0.0;
  for (int i = 1; i <= grid; ++i) {
    for (int j = 1; j <= grid; ++j) {
      const double a = static_cast<double>(i) / grid;
      const double b = static_cast<double>(j) / grid;
      const auto inside = std::count_if(points.begin(), points.end(),
                                        [a, b](const std::vector<double>& p) { return p[0] < a && p[1] < b; });
      const double share = static_cast<double>(inside) / static_cast<double>(points.size());
      worst = std::max(worst, std::abs(share - a * b));
    }
  }
  return worst;
}

inline double mean(const Points& points, std::size_t dimension) {
  double sum = 0.0;
  for (const auto& point : points) sum += point[dimension];
  return sum / static_cast<double>(points.size());
}

}  // namespace apiary::sampler::test
