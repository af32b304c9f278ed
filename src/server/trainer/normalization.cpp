#include "server/trainer/normalization.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>
#include <tuple>

namespace apiary::server {

Normalization freeze_normalization(const std::vector<std::pair<double, double>>& parameter_ranges,
                                   std::uint32_t time_steps, FieldStatistics& statistics, Communicator& communicator) {
  Normalization normalization;
  for (const auto& [low, high] : parameter_ranges) {
    normalization.input_shift.push_back(static_cast<float>((low + high) / 2));
    normalization.input_scale.push_back(static_cast<float>(2 / (high - low)));
  }
  const double last_step = std::max<double>(time_steps - 1, 1);
  normalization.input_shift.push_back(static_cast<float>(last_step / 2));
  normalization.input_scale.push_back(static_cast<float>(2 / last_step));
  FieldStatistics::Reduce reduce;
  if (communicator.size() > 1) reduce = [&communicator](std::span<double> values) { communicator.sum(values); };
  std::tie(normalization.output_mean, normalization.output_std) = statistics.freeze(reduce);
  if (communicator.rank() == 0)
    spdlog::info("output normalisation from {} samples: global standard deviation {:.4g}", statistics.count(),
                 normalization.output_std);
  return normalization;
}

}  // namespace apiary::server
