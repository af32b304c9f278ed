#include "server/trainer/learning_rate.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace apiary::server {

double LearningRateSchedule::at(std::size_t batch) const {
  if (kind == config::ScheduleKind::cosine) {
    const double progress =
        std::min(1.0, static_cast<double>(batch) / static_cast<double>(std::max<std::size_t>(total_batches, 1)));
    return initial * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  }
  if (kind == config::ScheduleKind::milestones) {
    const auto passed = std::count_if(milestones.begin(), milestones.end(), [&](std::size_t m) { return batch >= m; });
    return initial * std::pow(gamma, static_cast<double>(passed));
  }
  return initial;
}

}  // namespace apiary::server
