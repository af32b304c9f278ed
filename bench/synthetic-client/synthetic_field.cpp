#include "synthetic_field.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace apiary::bench {
namespace {

// Phase advance per time step: 100 steps cover about 0.8 of a period, so
// the time dependence is smooth but not negligible.
constexpr double kPhasePerStep = 0.05;

template <typename Value>
void combine(const std::vector<double>& sine_part, const std::vector<double>& cosine_part, std::size_t step,
             std::span<Value> out) {
  if (out.size() != sine_part.size()) throw std::invalid_argument("SyntheticField::fill: wrong output size");
  const double phase = kPhasePerStep * static_cast<double>(step);
  const double c = std::cos(phase), s = std::sin(phase);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<Value>(c * sine_part[i] + s * cosine_part[i]);
  }
}

}  // namespace

SyntheticField::SyntheticField(std::span<const double> parameters, std::size_t total_size, std::size_t first,
                               std::size_t count)
    : sine_part_(count, 0.0), cosine_part_(count, 0.0) {
  for (std::size_t local = 0; local < count; ++local) {
    const double x = std::numbers::pi * static_cast<double>(first + local) / static_cast<double>(total_size);
    // sin((k + 1) x) and cos((k + 1) x) by rotating by x: one sin and one
    // cos per value, not one per parameter (a client of millions of values
    // would spend a second of start-up on them).
    const double sin_x = std::sin(x), cos_x = std::cos(x);
    double sin_kx = sin_x, cos_kx = cos_x;
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      sine_part_[local] += parameters[k] * sin_kx;
      cosine_part_[local] += parameters[k] * cos_kx;
      const double next_sin = sin_kx * cos_x + cos_kx * sin_x;
      cos_kx = cos_kx * cos_x - sin_kx * sin_x;
      sin_kx = next_sin;
    }
  }
}

void SyntheticField::fill(std::size_t step, std::span<float> out) const {
  combine(sine_part_, cosine_part_, step, out);
}

void SyntheticField::fill(std::size_t step, std::span<double> out) const {
  combine(sine_part_, cosine_part_, step, out);
}

}  // namespace apiary::bench
