#pragma once
// Mean and standard deviation of each model input over a set of samples,
// accumulated one sample at a time with Welford's update, which avoids the
// cancellation of a sum-of-squares formula on inputs with a large mean
// (time-step indices, physical parameters far from zero).
#include <cstdint>
#include <vector>

namespace apiary::server {

class InputMoments {
 public:
  void add(const std::vector<float>& inputs);

  // One value per input index; empty when nothing was added.
  std::vector<double> mean() const { return mean_; }
  // Population standard deviation (divides by the count, not count - 1):
  // it describes the samples held, not an estimate of a wider population.
  std::vector<double> standard_deviation() const;

 private:
  // Per index, so that samples with different input counts stay accounted.
  std::vector<std::uint64_t> count_;
  std::vector<double> mean_;
  std::vector<double> squared_deviations_;  // Welford's M2
};

}  // namespace apiary::server
