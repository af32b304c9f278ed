#include "server/parallel/step_agreement.hpp"

#include <array>

namespace apiary::server {

Agreement decide(const ReadinessSums& sums) {
  if (sums.exhausted == sums.ranks || sums.out_of_time > 0) return {StepDecision::stop, 0};
  const bool step = sums.samples > 0 && (sums.waiting == 0 || sums.full > 0);
  if (!step) return {StepDecision::wait, 0};
  return {StepDecision::step, static_cast<std::uint64_t>(sums.samples)};
}

Agreement agree(Communicator& communicator, const LocalReadiness& local) {
  const bool waiting = local.samples == 0 && !local.stream_ended;
  std::array<std::int64_t, 6> values{1,
                                     static_cast<std::int64_t>(local.samples),
                                     waiting ? 1 : 0,
                                     local.buffer_full ? 1 : 0,
                                     local.exhausted ? 1 : 0,
                                     local.out_of_time ? 1 : 0};
  communicator.sum(values);
  return decide({values[0], values[1], values[2], values[3], values[4], values[5]});
}

}  // namespace apiary::server
