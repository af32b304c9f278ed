#include "server/buffer/input_moments.hpp"

#include <cmath>

namespace apiary::server {

void InputMoments::add(const std::vector<float>& inputs) {
  if (inputs.size() > mean_.size()) {
    count_.resize(inputs.size(), 0);
    mean_.resize(inputs.size(), 0.0);
    squared_deviations_.resize(inputs.size(), 0.0);
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const double value = inputs[i];
    ++count_[i];
    const double delta = value - mean_[i];
    mean_[i] += delta / static_cast<double>(count_[i]);
    squared_deviations_[i] += delta * (value - mean_[i]);
  }
}

std::vector<double> InputMoments::standard_deviation() const {
  std::vector<double> deviation(mean_.size(), 0.0);
  for (std::size_t i = 0; i < deviation.size(); ++i) {
    deviation[i] = std::sqrt(squared_deviations_[i] / static_cast<double>(count_[i]));
  }
  return deviation;
}

}  // namespace apiary::server
