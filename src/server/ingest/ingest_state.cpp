// Ingest::snapshot and Ingest::restore: kept apart from the message
// handling they do not take part in.
#include "server/ingest/ingest.hpp"

namespace apiary::server {

IngestState Ingest::snapshot() const {
  IngestState state;
  auto& c = state.counters;
  c.messages = counters_.messages.load();
  c.bytes = counters_.bytes.load();
  c.time_steps_received = counters_.time_steps_received.load();
  c.training_samples = counters_.training_samples.load();
  c.validation_samples = counters_.validation_samples.load();
  c.duplicates_dropped = counters_.duplicates_dropped.load();
  c.duplicate_slices = counters_.duplicate_slices.load();
  c.incomplete_steps_dropped = counters_.incomplete_steps_dropped.load();
  c.registrations_refused = counters_.registrations_refused.load();
  for (std::size_t r = 0; r < c.rejected.size(); ++r) c.rejected[r] = counters_.rejected[r].load();
  state.completed_steps = reassembler_.completed_steps();
  state.ended_ranks.insert(ended_ranks_.begin(), ended_ranks_.end());
  state.client_ranks.insert(client_ranks_.begin(), client_ranks_.end());
  state.simulations_ended = simulations_ended_;
  state.failed_simulations = failed_simulations_;
  return state;
}

void Ingest::restore(const IngestState& state) {
  const auto& c = state.counters;
  counters_.messages = c.messages;
  counters_.bytes = c.bytes;
  counters_.time_steps_received = c.time_steps_received;
  counters_.training_samples = c.training_samples;
  counters_.validation_samples = c.validation_samples;
  counters_.duplicates_dropped = c.duplicates_dropped;
  counters_.duplicate_slices = c.duplicate_slices;
  counters_.incomplete_steps_dropped = c.incomplete_steps_dropped;
  counters_.registrations_refused = c.registrations_refused;
  for (std::size_t r = 0; r < c.rejected.size(); ++r) counters_.rejected[r] = c.rejected[r];
  for (const auto& [simulation, steps] : state.completed_steps) {
    reassembler_.mark_completed(simulation, steps);
    progress_.completed(simulation, steps.size());
  }
  ended_ranks_.insert(state.ended_ranks.begin(), state.ended_ranks.end());
  client_ranks_.insert(state.client_ranks.begin(), state.client_ranks.end());
  simulations_ended_.insert(state.simulations_ended.begin(), state.simulations_ended.end());
  failed_simulations_.insert(state.failed_simulations.begin(), state.failed_simulations.end());
}

}  // namespace apiary::server
