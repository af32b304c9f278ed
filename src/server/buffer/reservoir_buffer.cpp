#include "server/buffer/reservoir_buffer.hpp"

#include <span>
#include <utility>

#include "common/error.hpp"

namespace apiary::server {

bool ReservoirBuffer::policy_has_room() const { return entries_.size() < capacity() || !seen_slots_.empty(); }

void ReservoirBuffer::insert(BufferEntry entry, std::mt19937_64& rng) {
  if (entries_.size() < capacity()) {
    entries_.push_back(std::move(entry));
    seen_position_.push_back(kUnseen);
    sampler_.add_slot();
    return;
  }
  // Full: policy_has_room() guarantees a seen slot to replace in place. The
  // slot's sampler stamp may be stale, which is harmless: every get() starts
  // a new batch before drawing.
  std::uniform_int_distribution<std::size_t> pick(0, seen_slots_.size() - 1);
  const std::size_t slot = seen_slots_[pick(rng)];
  record_removal(entries_[slot]);
  unindex_seen(slot);
  entries_[slot] = std::move(entry);
}

bool ReservoirBuffer::can_serve(std::size_t /*batch_size*/, bool closed) const {
  // Closed: no more samples will raise the count, so the watermark no longer holds back.
  return closed || entries_.size() >= watermark_;
}

SamplePtr ReservoirBuffer::serve_one(bool closed, std::mt19937_64& rng) {
  const std::size_t slot = sampler_.draw(rng);
  BufferEntry& entry = entries_[slot];
  if (entry.seen++ == 0) {
    index_seen(slot);
  }
  SamplePtr sample = entry.sample;
  // Removal swaps the last slot into this one and the sampler follows, so
  // the rest of the batch still draws only slots it has not served.
  const bool served_out = max_serves_ != 0 && entry.seen >= max_serves_;
  if (closed || served_out) {
    remove_slot(slot);
  }
  return sample;
}

void ReservoirBuffer::for_each_held(const std::function<void(const BufferEntry&)>& visit) const {
  for (const BufferEntry& entry : entries_) {
    visit(entry);
  }
}

// State: the sampler's words, then the seen index in its order (a victim
// is picked by position in it, so the order decides future replacements).
void ReservoirBuffer::save_policy(std::vector<BufferEntry>& entries, std::vector<std::uint64_t>& state) const {
  entries = entries_;
  state = sampler_.save();
  state.insert(state.end(), seen_slots_.begin(), seen_slots_.end());
}

void ReservoirBuffer::restore_policy(std::vector<BufferEntry> entries, const std::vector<std::uint64_t>& state) {
  const auto invalid = [&] {
    return Error("reservoir buffer snapshot: policy state does not match its " + std::to_string(entries.size()) +
                 " samples");
  };
  const std::size_t used = sampler_.restore(state, entries.size());
  std::vector<std::size_t> position(entries.size(), kUnseen);
  std::vector<std::size_t> seen;
  for (std::size_t i = used; i < state.size(); ++i) {
    const auto slot = static_cast<std::size_t>(state[i]);
    if (slot >= entries.size() || position[slot] != kUnseen || entries[slot].seen == 0) throw invalid();
    position[slot] = seen.size();
    seen.push_back(slot);
  }
  entries_ = std::move(entries);
  seen_position_ = std::move(position);
  seen_slots_ = std::move(seen);
}

void ReservoirBuffer::index_seen(std::size_t slot) {
  seen_position_[slot] = seen_slots_.size();
  seen_slots_.push_back(slot);
}

void ReservoirBuffer::unindex_seen(std::size_t slot) {
  const std::size_t position = seen_position_[slot];
  const std::size_t moved = seen_slots_.back();
  seen_slots_[position] = moved;
  seen_position_[moved] = position;
  seen_slots_.pop_back();
  seen_position_[slot] = kUnseen;  // after the move: moved may be slot itself
}

void ReservoirBuffer::remove_slot(std::size_t slot) {
  record_removal(entries_[slot]);
  if (seen_position_[slot] != kUnseen) {
    unindex_seen(slot);
  }
  // Swap-remove: the last slot takes the hole, and its seen index entry follows it.
  const std::size_t last = entries_.size() - 1;
  if (slot != last) {
    entries_[slot] = std::move(entries_[last]);
    seen_position_[slot] = seen_position_[last];
    if (seen_position_[slot] != kUnseen) {
      seen_slots_[seen_position_[slot]] = slot;
    }
  }
  entries_.pop_back();
  seen_position_.pop_back();
  sampler_.remove_slot(slot);
}

}  // namespace apiary::server
