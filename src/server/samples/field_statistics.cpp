#include "server/samples/field_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.hpp"

namespace apiary::server {

FieldStatistics::FieldStatistics(std::size_t field_size) : sum_(field_size, 0.0), sum_of_squares_(field_size, 0.0) {}

void FieldStatistics::add(const Sample& sample) {
  std::lock_guard lock(mutex_);
  if (frozen_ || sample.field.size() != sum_.size()) return;
  ++count_;
  for (std::size_t i = 0; i < sum_.size(); ++i) {
    const double value = sample.field[i];
    sum_[i] += value;
    sum_of_squares_[i] += value * value;
  }
}

std::pair<std::vector<float>, float> FieldStatistics::freeze(const Reduce& reduce) {
  std::lock_guard lock(mutex_);
  frozen_ = true;
  if (reduce) {
    std::vector<double> packed{static_cast<double>(count_)};
    packed.insert(packed.end(), sum_.begin(), sum_.end());
    packed.insert(packed.end(), sum_of_squares_.begin(), sum_of_squares_.end());
    reduce(packed);
    count_ = static_cast<std::uint64_t>(packed[0]);
    std::copy(packed.begin() + 1, packed.begin() + 1 + static_cast<long>(sum_.size()), sum_.begin());
    std::copy(packed.begin() + 1 + static_cast<long>(sum_.size()), packed.end(), sum_of_squares_.begin());
  }
  std::vector<float> mean(sum_.size(), 0.0F);
  if (count_ == 0) return {mean, 1.0F};
  const double n = static_cast<double>(count_);
  double variance_sum = 0.0;
  for (std::size_t i = 0; i < sum_.size(); ++i) {
    const double m = sum_[i] / n;
    mean[i] = static_cast<float>(m);
    variance_sum += std::max(0.0, sum_of_squares_[i] / n - m * m);
  }
  const double deviation = std::sqrt(variance_sum / static_cast<double>(sum_.size()));
  return {mean, deviation > 1e-12 ? static_cast<float>(deviation) : 1.0F};
}

std::uint64_t FieldStatistics::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

FieldStatistics::State FieldStatistics::state() const {
  std::lock_guard lock(mutex_);
  return {frozen_, count_, sum_, sum_of_squares_};
}

void FieldStatistics::restore(State state) {
  std::lock_guard lock(mutex_);
  if (state.sum.size() != sum_.size() || state.sum_of_squares.size() != sum_.size())
    throw Error("field statistics of " + std::to_string(state.sum.size()) +
                " values cannot be restored for a field of " + std::to_string(sum_.size()));
  frozen_ = state.frozen;
  count_ = state.count;
  sum_ = std::move(state.sum);
  sum_of_squares_ = std::move(state.sum_of_squares);
}

}  // namespace apiary::server
