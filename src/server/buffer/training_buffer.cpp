#include "server/buffer/training_buffer.hpp"

#include <algorithm>
#include <utility>

#include "common/error.hpp"

namespace apiary::server {

TrainingBuffer::TrainingBuffer(std::size_t capacity, std::uint64_t seed) : capacity_(capacity), rng_(seed) {}

bool TrainingBuffer::put(SamplePtr sample) {
  if (!sample) {
    throw Error("training buffer: cannot store a null sample", APIARY_STATUS_INVALID_ARGUMENT);
  }
  std::unique_lock lock(mutex_);
  // Waiting here is the back-pressure: reception slows down to the pace at
  // which training frees room.
  room_available_.wait(lock, [this] { return closed_ || has_room(); });
  if (closed_) {
    return false;
  }
  insert(BufferEntry{std::move(sample), 0}, rng_);
  ++puts_;
  // Every waiting trainer re-checks: they may wait for different batch sizes.
  data_available_.notify_all();
  return true;
}

std::vector<SamplePtr> TrainingBuffer::get(std::size_t batch_size) {
  if (batch_size == 0) {
    throw Error("training buffer: batch size must be at least 1", APIARY_STATUS_INVALID_ARGUMENT);
  }
  std::unique_lock lock(mutex_);
  // size() > 0 guards policies whose can_serve() holds on an empty buffer
  // (a watermark of 0): an empty batch must only ever mean "exhausted".
  // Once closed, can_serve() holds whenever samples remain, so no trainer
  // waits after close() and nothing but close() has to announce exhaustion.
  data_available_.wait(
      lock, [this, batch_size] { return (size() > 0 && can_serve(batch_size, closed_)) || (closed_ && size() == 0); });
  if (size() == 0) {
    return {};  // closed and drained: exhausted
  }
  std::vector<SamplePtr> batch;
  const std::size_t count = std::min(batch_size, size());
  batch.reserve(count);
  begin_batch();
  for (std::size_t i = 0; i < count; ++i) {
    batch.push_back(serve_one(closed_, rng_));
  }
  gets_ += count;
  // Serving frees room (removal) or makes samples replaceable (reservoir).
  room_available_.notify_all();
  return batch;
}

void TrainingBuffer::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  room_available_.notify_all();
  data_available_.notify_all();
}

BufferStats TrainingBuffer::stats() const {
  std::lock_guard lock(mutex_);
  BufferStats stats;
  stats.size = size();
  stats.capacity = capacity_;
  stats.puts = puts_;
  stats.gets = gets_;
  stats.evicted = evicted_;
  stats.closed = closed_;
  stats.seen_histogram = removed_histogram_;
  add_held_to_histogram(stats.seen_histogram);
  return stats;
}

void TrainingBuffer::record_removal(const BufferEntry& entry) {
  ++evicted_;
  ++removed_histogram_[entry.seen];
}

}  // namespace apiary::server
