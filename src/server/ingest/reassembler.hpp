#pragma once
// Rebuilds whole time steps from the slices that a client's ranks send,
// and drops every time step that was already completed once (a restarted
// client replays its steps) from its first slice, without copying its
// values: each (simulation, time step) enters training at most once.
// Pure logic, no sockets: the receiver feeds it frames.
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "protocol/frame.hpp"
#include "server/samples/sample.hpp"

namespace apiary::server {

class Reassembler {
 public:
  // field_size: values in the global field; time_steps: steps per simulation.
  Reassembler(std::uint64_t field_size, std::uint32_t time_steps);

  enum class Outcome {
    partial,          // slice stored, the step still misses slices
    complete,         // the step is whole and new: take_field() returns it
    duplicate_slice,  // this rank's slice of this step was already here
    duplicate_step,   // the step was whole already: a replay, dropped when whole again
    rejected,         // see reason()
  };

  // Adds a validated data frame (protocol::decode checked its own fields).
  Outcome add(const protocol::Frame& frame);
  FieldValues take_field() { return std::move(completed_field_); }
  protocol::RejectReason reason() const { return reason_; }

  // Forgets the partial steps of a simulation whose ranks all ended: their
  // missing slices can no longer come. Returns how many were dropped.
  std::size_t drop_partial_steps(std::uint32_t simulation_id);

  bool step_completed(std::uint32_t simulation_id, std::uint32_t time_step) const;
  std::uint32_t steps_completed(std::uint32_t simulation_id) const;
  std::size_t pending_steps() const { return pending_.size(); }
  // Every completed (simulation, step), ascending: the deduplication state
  // a checkpoint keeps. Partial steps are not part of it (clients replay them).
  std::map<std::uint32_t, std::vector<std::uint32_t>> completed_steps() const;
  // Marks steps completed as if they had been reassembled (a restore), so
  // that their replays are dropped. Steps out of range are ignored.
  void mark_completed(std::uint32_t simulation_id, const std::vector<std::uint32_t>& steps);
  std::uint64_t duplicate_steps() const { return duplicate_steps_; }
  std::uint64_t duplicate_slices() const { return duplicate_slices_; }

 private:
  struct Pending {
    std::uint32_t client_ranks = 0;
    bool replay = false;  // the step was completed before: discard when whole
    FieldValues values;   // uninitialised until its slices arrive; empty for a replay
    std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> slices;  // rank -> (offset, length)
    std::uint64_t covered = 0;
  };
  using Key = std::uint64_t;  // simulation id << 32 | time step
  Outcome reject(protocol::RejectReason reason, Key key);
  bool tiles_field(const Pending& pending) const;

  const std::uint64_t field_size_;
  const std::uint32_t time_steps_;
  std::unordered_map<Key, Pending> pending_;
  std::unordered_map<std::uint32_t, std::vector<bool>> completed_;  // per simulation, per step
  std::unordered_map<std::uint32_t, std::uint32_t> completed_count_;
  FieldValues completed_field_;
  protocol::RejectReason reason_ = protocol::RejectReason::truncated;
  std::uint64_t duplicate_steps_ = 0;
  std::uint64_t duplicate_slices_ = 0;
};

}  // namespace apiary::server
