#include "server/buffer/firo_buffer.hpp"

#include <utility>

#include "common/error.hpp"

namespace apiary::server {

bool FiroBuffer::policy_has_room() const { return entries_.size() < capacity(); }

void FiroBuffer::insert(BufferEntry entry, std::mt19937_64& /*rng*/) {
  entries_.push_back(std::move(entry));
  sampler_.add_slot();
}

bool FiroBuffer::can_serve(std::size_t /*batch_size*/, bool closed) const {
  // Closed: no more samples will raise the count, so the watermark no longer holds back.
  return closed || entries_.size() >= watermark_;
}

SamplePtr FiroBuffer::serve_one(bool /*closed*/, std::mt19937_64& rng) {
  const std::size_t index = sampler_.draw(rng);
  BufferEntry& entry = entries_[index];
  ++entry.seen;
  SamplePtr sample = entry.sample;
  if (entry.seen >= pseudo_epochs_) {
    record_removal(entry);
    if (index + 1 != entries_.size()) {
      entry = std::move(entries_.back());
    }
    entries_.pop_back();
    sampler_.remove_slot(index);
  }
  return sample;
}

void FiroBuffer::for_each_held(const std::function<void(const BufferEntry&)>& visit) const {
  for (const BufferEntry& entry : entries_) {
    visit(entry);
  }
}

void FiroBuffer::save_policy(std::vector<BufferEntry>& entries, std::vector<std::uint64_t>& state) const {
  entries = entries_;
  state = sampler_.save();
}

void FiroBuffer::restore_policy(std::vector<BufferEntry> entries, const std::vector<std::uint64_t>& state) {
  if (sampler_.restore(state, entries.size()) != state.size())
    throw Error("firo buffer snapshot: policy state does not match its " + std::to_string(entries.size()) + " samples");
  entries_ = std::move(entries);
}

}  // namespace apiary::server
