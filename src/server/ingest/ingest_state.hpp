#pragma once
// What a checkpoint keeps of one rank's Ingest: the deduplication state
// (every completed step), the counters, and what is known of the
// simulations. Partial steps are left out: their clients replay them.
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "protocol/frame.hpp"

namespace apiary::server {

// IngestCounters' values, without the atomics.
struct IngestCounterValues {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t time_steps_received = 0;
  std::uint64_t training_samples = 0;
  std::uint64_t validation_samples = 0;
  std::uint64_t duplicates_dropped = 0;
  std::uint64_t duplicate_slices = 0;
  std::uint64_t incomplete_steps_dropped = 0;
  std::uint64_t registrations_refused = 0;
  std::array<std::uint64_t, protocol::kRejectReasonCount> rejected{};
};

struct IngestState {
  IngestCounterValues counters;
  std::map<std::uint32_t, std::vector<std::uint32_t>> completed_steps;  // simulation -> steps, ascending
  std::map<std::uint32_t, std::set<std::uint32_t>> ended_ranks;         // simulation -> client ranks that ended
  std::map<std::uint32_t, std::uint32_t> client_ranks;                  // simulation -> ranks registered
  std::set<std::uint32_t> simulations_ended;
  std::set<std::uint32_t> failed_simulations;
};

}  // namespace apiary::server
