#include "server/buffer/fifo_buffer.hpp"

#include <algorithm>
#include <utility>

namespace apiary::server {

bool FifoBuffer::policy_has_room() const { return entries_.size() < capacity(); }

void FifoBuffer::insert(BufferEntry entry, std::mt19937_64& /*rng*/) { entries_.push_back(std::move(entry)); }

bool FifoBuffer::can_serve(std::size_t batch_size, bool closed) const {
  // A batch larger than the capacity is served at capacity: waiting for more
  // would deadlock, reception being blocked on the full buffer.
  return entries_.size() >= std::min(batch_size, capacity()) || (closed && !entries_.empty());
}

SamplePtr FifoBuffer::serve_one(bool /*closed*/, std::mt19937_64& /*rng*/) {
  BufferEntry& front = entries_.front();
  ++front.seen;
  record_removal(front);
  SamplePtr sample = std::move(front.sample);
  entries_.pop_front();
  return sample;
}

void FifoBuffer::for_each_held(const std::function<void(const BufferEntry&)>& visit) const {
  for (const BufferEntry& entry : entries_) {
    visit(entry);
  }
}

void FifoBuffer::save_policy(std::vector<BufferEntry>& entries, std::vector<std::uint64_t>& /*state*/) const {
  entries.assign(entries_.begin(), entries_.end());
}

void FifoBuffer::restore_policy(std::vector<BufferEntry> entries, const std::vector<std::uint64_t>& /*state*/) {
  entries_.assign(std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
}

}  // namespace apiary::server
