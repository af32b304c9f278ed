#pragma once
// Reservoir: batches are drawn at random and draws do not remove samples,
// so the trainer keeps revisiting the buffer while new data arrives.
// Serving starts when watermark samples are held.
//
// When full, a new sample replaces a random sample that has already been
// served at least once, never an unseen one, so no sample is lost before
// training has used it. The one case of back-pressure: a full buffer whose
// samples are all unseen makes put() block until a batch has been served.
//
// With max_serves > 0, a sample leaves right after its max_serves-th serve,
// which bounds how often training revisits one sample when reception is
// slow; the buffer then empties if no more samples come. 0: no limit.
//
// After close() the buffer drains: every sample served is removed, so each
// remaining sample is served once more and get() then reports exhaustion.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "server/buffer/batch_sampler.hpp"
#include "server/buffer/training_buffer.hpp"

namespace apiary::server {

class ReservoirBuffer final : public TrainingBuffer {
 public:
  ReservoirBuffer(std::size_t capacity, std::size_t watermark, std::uint64_t seed, std::uint32_t max_serves = 0)
      : TrainingBuffer(capacity, seed), watermark_(watermark), max_serves_(max_serves) {}

 protected:
  bool policy_has_room() const override;
  void begin_batch() override { sampler_.begin_batch(); }
  void insert(BufferEntry entry, std::mt19937_64& rng) override;
  bool can_serve(std::size_t batch_size, bool closed) const override;
  SamplePtr serve_one(bool closed, std::mt19937_64& rng) override;
  std::size_t size() const override { return entries_.size(); }
  void for_each_held(const std::function<void(const BufferEntry&)>& visit) const override;
  config::BufferKind kind() const override { return config::BufferKind::reservoir; }
  void save_policy(std::vector<BufferEntry>& entries, std::vector<std::uint64_t>& state) const override;
  void restore_policy(std::vector<BufferEntry> entries, const std::vector<std::uint64_t>& state) override;

 private:
  static constexpr std::size_t kUnseen = std::numeric_limits<std::size_t>::max();

  void index_seen(std::size_t slot);
  void unindex_seen(std::size_t slot);
  void remove_slot(std::size_t slot);

  const std::size_t watermark_;
  const std::uint32_t max_serves_;  // 0: unlimited
  // Slots, unordered. Parallel to entries_: each slot's position in
  // seen_slots_ (kUnseen if never served) and its sampler stamp.
  std::vector<BufferEntry> entries_;
  std::vector<std::size_t> seen_position_;
  BatchSampler sampler_;
  // The slots served at least once, in any order: picking a random victim is
  // O(1), and so is dropping a slot (swap with the last, fix its position).
  std::vector<std::size_t> seen_slots_;
};

}  // namespace apiary::server
