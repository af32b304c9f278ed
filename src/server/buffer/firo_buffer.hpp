#pragma once
// First in, random out: batches are drawn at random among the samples held,
// and a sample leaves the buffer once it has been served pseudo_epochs
// times. Serving starts when watermark samples are held; after close() the
// buffer drains until every remaining sample has had its pseudo_epochs.
#include <functional>
#include <vector>

#include "server/buffer/batch_sampler.hpp"
#include "server/buffer/training_buffer.hpp"

namespace apiary::server {

class FiroBuffer final : public TrainingBuffer {
 public:
  FiroBuffer(std::size_t capacity, std::size_t watermark, std::uint32_t pseudo_epochs, std::uint64_t seed)
      : TrainingBuffer(capacity, seed), watermark_(watermark), pseudo_epochs_(pseudo_epochs) {}

 protected:
  bool policy_has_room() const override;
  void begin_batch() override { sampler_.begin_batch(); }
  void insert(BufferEntry entry, std::mt19937_64& rng) override;
  bool can_serve(std::size_t batch_size, bool closed) const override;
  SamplePtr serve_one(bool closed, std::mt19937_64& rng) override;
  std::size_t size() const override { return entries_.size(); }
  void for_each_held(const std::function<void(const BufferEntry&)>& visit) const override;
  config::BufferKind kind() const override { return config::BufferKind::firo; }
  void save_policy(std::vector<BufferEntry>& entries, std::vector<std::uint64_t>& state) const override;
  void restore_policy(std::vector<BufferEntry> entries, const std::vector<std::uint64_t>& state) override;

 private:
  const std::size_t watermark_;
  const std::uint32_t pseudo_epochs_;
  // Unordered: removal swaps the last entry into the hole (O(1)).
  std::vector<BufferEntry> entries_;
  BatchSampler sampler_;  // one stamp per entry, same order
};

}  // namespace apiary::server
