#pragma once
// Learning-rate schedules, as a pure function of the batch index.
#include <cstddef>
#include <vector>

#include "config/options.hpp"

namespace apiary::server {

struct LearningRateSchedule {
  config::ScheduleKind kind = config::ScheduleKind::constant;  // cosine: to zero at total_batches
  double initial = 1e-3;
  std::size_t total_batches = 1;
  std::vector<std::size_t> milestones;  // multiply by gamma at each
  double gamma = 0.5;

  double at(std::size_t batch) const;
};

}  // namespace apiary::server
