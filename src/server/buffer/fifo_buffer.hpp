#pragma once
// First in, first out: samples are served in arrival order, each exactly
// once, and leave the buffer when served.
#include <deque>
#include <functional>

#include "server/buffer/training_buffer.hpp"

namespace apiary::server {

class FifoBuffer final : public TrainingBuffer {
 public:
  FifoBuffer(std::size_t capacity, std::uint64_t seed) : TrainingBuffer(capacity, seed) {}

 protected:
  bool policy_has_room() const override;
  void insert(BufferEntry entry, std::mt19937_64& rng) override;
  bool can_serve(std::size_t batch_size, bool closed) const override;
  SamplePtr serve_one(bool closed, std::mt19937_64& rng) override;
  std::size_t size() const override { return entries_.size(); }
  void for_each_held(const std::function<void(const BufferEntry&)>& visit) const override;
  config::BufferKind kind() const override { return config::BufferKind::fifo; }
  void save_policy(std::vector<BufferEntry>& entries, std::vector<std::uint64_t>& state) const override;
  void restore_policy(std::vector<BufferEntry> entries, const std::vector<std::uint64_t>& state) override;

 private:
  std::deque<BufferEntry> entries_;
};

}  // namespace apiary::server
