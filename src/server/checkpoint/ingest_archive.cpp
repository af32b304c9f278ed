#include "server/checkpoint/ingest_archive.hpp"

#include <span>
#include <string>
#include <vector>

namespace apiary::server {
namespace {

void write_ids(ArchiveWriter& out, const std::set<std::uint32_t>& ids) {
  const std::vector<std::uint32_t> list(ids.begin(), ids.end());
  out.array(std::span<const std::uint32_t>(list));
}

std::set<std::uint32_t> read_ids(ArchiveReader& in, const char* what) {
  const auto list = in.array<std::uint32_t>(what);
  return {list.begin(), list.end()};
}

}  // namespace

void write_ingest(ArchiveWriter& out, const IngestState& state) {
  const auto& c = state.counters;
  for (const auto value :
       {c.messages, c.bytes, c.time_steps_received, c.training_samples, c.validation_samples, c.duplicates_dropped,
        c.duplicate_slices, c.incomplete_steps_dropped, c.registrations_refused})
    out.u64(value);
  out.array(std::span<const std::uint64_t>(c.rejected));
  out.u64(state.completed_steps.size());
  for (const auto& [simulation, steps] : state.completed_steps) {
    out.u32(simulation);
    out.array(std::span<const std::uint32_t>(steps));
  }
  out.u64(state.ended_ranks.size());
  for (const auto& [simulation, ranks] : state.ended_ranks) {
    out.u32(simulation);
    write_ids(out, ranks);
  }
  out.u64(state.client_ranks.size());
  for (const auto& [simulation, ranks] : state.client_ranks) {
    out.u32(simulation);
    out.u32(ranks);
  }
  write_ids(out, state.simulations_ended);
  write_ids(out, state.failed_simulations);
}

IngestState read_ingest(ArchiveReader& in) {
  IngestState state;
  auto& c = state.counters;
  for (auto* value :
       {&c.messages, &c.bytes, &c.time_steps_received, &c.training_samples, &c.validation_samples,
        &c.duplicates_dropped, &c.duplicate_slices, &c.incomplete_steps_dropped, &c.registrations_refused})
    *value = in.u64();
  const auto rejected = in.array<std::uint64_t>("the rejection counts");
  if (rejected.size() != c.rejected.size())
    in.fail(std::to_string(rejected.size()) + " rejection reasons where this server counts " +
            std::to_string(c.rejected.size()));
  std::copy(rejected.begin(), rejected.end(), c.rejected.begin());
  for (auto n = in.count(12, "completed steps"); n > 0; --n) {
    const auto simulation = in.u32();
    state.completed_steps[simulation] = in.array<std::uint32_t>("completed steps");
  }
  for (auto n = in.count(12, "ended ranks"); n > 0; --n) {
    const auto simulation = in.u32();
    state.ended_ranks[simulation] = read_ids(in, "ended ranks");
  }
  for (auto n = in.count(8, "registered simulations"); n > 0; --n) {
    const auto simulation = in.u32();
    state.client_ranks[simulation] = in.u32();
  }
  state.simulations_ended = read_ids(in, "ended simulations");
  state.failed_simulations = read_ids(in, "failed simulations");
  return state;
}

}  // namespace apiary::server
