#include "server/buffer/training_buffer.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include "common/elapsed.hpp"
#include "common/error.hpp"
#include "server/buffer/input_moments.hpp"

namespace apiary::server {
namespace {

// An empty batch reads as "exhausted", so a batch of 0 is never a request.
void require_batch_size(std::size_t batch_size) {
  if (batch_size == 0) {
    throw Error("training buffer: batch size must be at least 1", APIARY_STATUS_INVALID_ARGUMENT);
  }
}

}  // namespace

TrainingBuffer::TrainingBuffer(std::size_t capacity, std::uint64_t seed) : capacity_(capacity), rng_(seed) {}

bool TrainingBuffer::put(SamplePtr sample) {
  if (!sample) {
    throw Error("training buffer: cannot store a null sample", APIARY_STATUS_INVALID_ARGUMENT);
  }
  const Clock::time_point start = Clock::now();
  std::unique_lock lock(mutex_);
  // Waiting here is the back-pressure: reception slows down to the pace at
  // which training frees room.
  room_available_.wait(lock, [this] { return closed_ || policy_has_room(); });
  if (closed_) {
    return false;
  }
  insert(BufferEntry{std::move(sample), 0}, rng_);
  ++puts_;
  put_latencies_.record(seconds_since(start));
  // Every waiting trainer re-checks: they may wait for different batch sizes.
  data_available_.notify_all();
  return true;
}

bool TrainingBuffer::has_room() const {
  std::lock_guard lock(mutex_);
  return closed_ || policy_has_room();
}

std::vector<SamplePtr> TrainingBuffer::get(std::size_t batch_size) {
  require_batch_size(batch_size);
  const Clock::time_point start = Clock::now();
  std::unique_lock lock(mutex_);
  // servable_locked() checks size() > 0, for policies whose can_serve()
  // holds on an empty buffer (a watermark of 0): an empty batch must only
  // ever mean "exhausted". Once closed, can_serve() holds whenever samples
  // remain, so no trainer waits after close() and nothing but close() has
  // to announce exhaustion.
  data_available_.wait(lock, [this, batch_size] { return servable_locked(batch_size) || exhausted_locked(); });
  if (exhausted_locked()) {
    return {};
  }
  return serve_locked(batch_size, start);
}

std::vector<SamplePtr> TrainingBuffer::try_get(std::size_t batch_size) {
  require_batch_size(batch_size);
  const Clock::time_point start = Clock::now();
  std::lock_guard lock(mutex_);
  if (!servable_locked(batch_size)) {
    return {};
  }
  return serve_locked(batch_size, start);
}

bool TrainingBuffer::wait_until_servable(std::size_t batch_size, std::chrono::milliseconds timeout) {
  require_batch_size(batch_size);
  std::unique_lock lock(mutex_);
  return data_available_.wait_for(lock, timeout,
                                  [this, batch_size] { return servable_locked(batch_size) || exhausted_locked(); });
}

BufferReadiness TrainingBuffer::readiness(std::size_t batch_size) const {
  require_batch_size(batch_size);
  std::lock_guard lock(mutex_);
  BufferReadiness readiness;
  readiness.can_serve = servable_locked(batch_size);
  readiness.closed = closed_;
  readiness.full = !closed_ && !policy_has_room();
  readiness.exhausted = exhausted_locked();
  readiness.size = size();
  return readiness;
}

std::vector<SamplePtr> TrainingBuffer::serve_locked(std::size_t batch_size, Clock::time_point start) {
  std::vector<SamplePtr> batch;
  const std::size_t count = std::min(batch_size, size());
  batch.reserve(count);
  begin_batch();
  for (std::size_t i = 0; i < count; ++i) {
    batch.push_back(serve_one(closed_, rng_));
  }
  gets_ += count;
  gets_in_window_ += count;
  get_latencies_.record(seconds_since(start));
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
  return stats_locked();
}

BufferStats TrainingBuffer::take_window_stats() {
  std::lock_guard lock(mutex_);
  BufferStats stats = stats_locked();
  put_latencies_.reset();
  get_latencies_.reset();
  gets_in_window_ = 0;
  return stats;
}

BufferStats TrainingBuffer::stats_locked() const {
  BufferStats stats;
  stats.size = size();
  stats.capacity = capacity_;
  stats.occupancy = capacity_ > 0 ? static_cast<double>(stats.size) / static_cast<double>(capacity_) : 0.0;
  stats.puts = puts_;
  stats.gets = gets_;
  stats.evicted = evicted_;
  stats.closed = closed_;
  stats.seen_histogram = removed_histogram_;
  stats.puts_in_window = put_latencies_.calls();
  stats.gets_in_window = gets_in_window_;
  stats.put_latency = put_latencies_.summary();
  stats.get_latency = get_latencies_.summary();
  // One pass over the held entries, under the lock: O(size) per call, paid
  // once per metrics line rather than on every put and get.
  InputMoments moments;
  for_each_held([&stats, &moments](const BufferEntry& entry) {
    ++stats.seen_histogram[entry.seen];
    moments.add(entry.sample->inputs);
  });
  stats.input_mean = moments.mean();
  stats.input_std = moments.standard_deviation();
  return stats;
}

BufferSnapshot TrainingBuffer::snapshot() const {
  std::lock_guard lock(mutex_);
  BufferSnapshot snapshot;
  snapshot.kind = kind();
  save_policy(snapshot.entries, snapshot.policy);
  snapshot.puts = puts_;
  snapshot.gets = gets_;
  snapshot.evicted = evicted_;
  snapshot.removed_histogram = removed_histogram_;
  std::ostringstream rng;
  rng << rng_;
  snapshot.rng = rng.str();
  return snapshot;
}

void TrainingBuffer::restore(BufferSnapshot snapshot) {
  if (snapshot.kind != kind())
    throw Error("cannot restore a '" + std::string(config::name_of(snapshot.kind)) + "' buffer into a '" +
                std::string(config::name_of(kind())) + "' buffer");
  if (snapshot.entries.size() > capacity_)
    throw Error("cannot restore " + std::to_string(snapshot.entries.size()) + " samples into a buffer of capacity " +
                std::to_string(capacity_));
  std::mt19937_64 rng;
  std::istringstream rng_state(snapshot.rng);
  rng_state >> rng;
  if (!rng_state) throw Error("buffer snapshot: unreadable random generator state");
  {
    std::lock_guard lock(mutex_);
    restore_policy(std::move(snapshot.entries), snapshot.policy);
    rng_ = rng;
    puts_ = snapshot.puts;
    gets_ = snapshot.gets;
    evicted_ = snapshot.evicted;
    removed_histogram_ = std::move(snapshot.removed_histogram);
  }
  data_available_.notify_all();
}

void TrainingBuffer::record_removal(const BufferEntry& entry) {
  ++evicted_;
  ++removed_histogram_[entry.seen];
}

}  // namespace apiary::server
