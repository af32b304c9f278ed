#include "server/ingest/reassembler.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace apiary::server {

using protocol::DType;
using protocol::RejectReason;

namespace {

// True when no value is infinite or NaN (exponent bits all ones). Every
// value received passes here, so the check must keep up with memcpy: no
// early exit, and fixed-size chunks, which GCC vectorizes at -O2 where it
// leaves a loop of unknown length scalar. The std::isfinite loop it
// replaces took longer than the copy (bench/ingest/README.md).
bool all_finite(const float* values, std::uint64_t count) {
  constexpr std::uint32_t kExponent = 0x7f800000;
  constexpr std::uint64_t kChunk = 16;
  const auto not_finite = [](float value) { return (std::bit_cast<std::uint32_t>(value) & kExponent) == kExponent; };
  std::uint32_t found = 0;
  std::uint64_t i = 0;
  for (; i + kChunk <= count; i += kChunk) {
    for (std::uint64_t j = 0; j < kChunk; ++j) found |= not_finite(values[i + j]);
  }
  for (; i < count; ++i) found |= not_finite(values[i]);
  return found == 0;
}

// Values copied and checked at a time: 16 KB of float32, half the L1 cache.
constexpr std::uint64_t kBlockValues = 4096;

// Values [first, first + count) of a payload, as float32: the trainer works
// in float32, so float64 is converted once, here.
void copy_as_float(std::span<const std::byte> payload, DType dtype, std::uint64_t first, std::uint64_t count,
                   float* out) {
  if (dtype == DType::float32) {
    std::memcpy(out, payload.data() + first * sizeof(float), count * sizeof(float));
    return;
  }
  // A finite double beyond float's range has no float value (converting it
  // is undefined behaviour): it becomes infinity, which the finite check
  // then rejects, as it does NaN.
  constexpr double kLargest = std::numeric_limits<float>::max();
  for (std::uint64_t i = 0; i < count; ++i) {
    double value;
    std::memcpy(&value, payload.data() + (first + i) * sizeof(double), sizeof(double));
    out[i] = std::fabs(value) <= kLargest ? static_cast<float>(value) : std::numeric_limits<float>::infinity();
  }
}

}  // namespace

Reassembler::Reassembler(std::uint64_t field_size, std::uint32_t time_steps)
    : field_size_(field_size), time_steps_(time_steps) {}

Reassembler::Outcome Reassembler::reject(RejectReason reason, Key key) {
  reason_ = reason;
  // A step with an inconsistent or poisoned slice cannot be trusted as a
  // whole: forget what it had, a replay may bring it again.
  pending_.erase(key);
  return Outcome::rejected;
}

bool Reassembler::tiles_field(const Pending& pending) const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  ranges.reserve(pending.slices.size());
  for (const auto& [rank, range] : pending.slices) ranges.push_back(range);
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t next = 0;
  for (const auto& [offset, length] : ranges) {
    if (offset != next) return false;
    next = offset + length;
  }
  return next == field_size_;
}

Reassembler::Outcome Reassembler::add(const protocol::Frame& frame) {
  const auto& h = frame.header;
  const Key key = (static_cast<Key>(h.simulation_id) << 32) | h.time_step;
  if (h.global_size != field_size_) return reject(RejectReason::field_size_mismatch, key);
  if (h.time_step >= time_steps_) return reject(RejectReason::time_step_out_of_range, key);

  auto [it, inserted] = pending_.try_emplace(key);
  Pending& pending = it->second;
  if (inserted) {
    pending.client_ranks = h.client_ranks;
    pending.replay = step_completed(h.simulation_id, h.time_step);
    // A replay's values are dropped: only its slices' ranges are kept, to
    // tell when it is whole again.
    if (!pending.replay) pending.values.resize(field_size_);
  }
  if (pending.client_ranks != h.client_ranks) return reject(RejectReason::inconsistent_ranks, key);
  if (pending.slices.contains(h.client_rank)) {
    ++duplicate_slices_;
    return Outcome::duplicate_slice;
  }

  // Block by block, each checked while it is still in the L1 cache: checking
  // the whole slice after copying it read it back from memory, which took as
  // long as the copy (bench/ingest/README.md). A replay is neither copied
  // nor checked: a relaunched client replays every step it sent before.
  if (!pending.replay) {
    float* target = pending.values.data() + h.offset;
    for (std::uint64_t first = 0; first < h.length; first += kBlockValues) {
      const std::uint64_t count = std::min(kBlockValues, h.length - first);
      copy_as_float(frame.payload, h.dtype, first, count, target + first);
      if (!all_finite(target + first, count)) return reject(RejectReason::not_finite, key);
    }
  }
  pending.slices.emplace(h.client_rank, std::make_pair(h.offset, h.length));
  pending.covered += h.length;
  // Every rank that owns values sent its slice, yet they do not cover the
  // field: a gap that no later slice can fill (ranks with no values send none,
  // so a gap is only certain once all client_ranks have been heard from).
  if (pending.covered < field_size_) {
    if (pending.slices.size() == pending.client_ranks) return reject(RejectReason::inconsistent_ranks, key);
    return Outcome::partial;
  }
  if (pending.covered > field_size_ || !tiles_field(pending)) return reject(RejectReason::inconsistent_ranks, key);

  if (pending.replay) {
    pending_.erase(it);
    ++duplicate_steps_;
    completed_field_.clear();  // nothing to take from a replay
    return Outcome::duplicate_step;
  }
  completed_field_ = std::move(pending.values);
  pending_.erase(it);
  auto& steps = completed_[h.simulation_id];
  if (steps.empty()) steps.resize(time_steps_, false);
  steps[h.time_step] = true;
  ++completed_count_[h.simulation_id];
  return Outcome::complete;
}

bool Reassembler::step_completed(std::uint32_t simulation_id, std::uint32_t time_step) const {
  auto it = completed_.find(simulation_id);
  return it != completed_.end() && time_step < it->second.size() && it->second[time_step];
}

std::uint32_t Reassembler::steps_completed(std::uint32_t simulation_id) const {
  auto it = completed_count_.find(simulation_id);
  return it == completed_count_.end() ? 0 : it->second;
}

std::map<std::uint32_t, std::vector<std::uint32_t>> Reassembler::completed_steps() const {
  std::map<std::uint32_t, std::vector<std::uint32_t>> steps;
  for (const auto& [simulation, done] : completed_) {
    auto& list = steps[simulation];
    for (std::uint32_t step = 0; step < done.size(); ++step) {
      if (done[step]) list.push_back(step);
    }
  }
  return steps;
}

void Reassembler::mark_completed(std::uint32_t simulation_id, const std::vector<std::uint32_t>& steps) {
  auto& done = completed_[simulation_id];
  if (done.empty()) done.resize(time_steps_, false);
  for (const auto step : steps) {
    if (step >= time_steps_ || done[step]) continue;
    done[step] = true;
    ++completed_count_[simulation_id];
  }
}

std::size_t Reassembler::drop_partial_steps(std::uint32_t simulation_id) {
  return std::erase_if(pending_, [simulation_id](const auto& entry) { return (entry.first >> 32) == simulation_id; });
}

}  // namespace apiary::server
