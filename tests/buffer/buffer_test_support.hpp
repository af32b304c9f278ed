#pragma once
// Helpers shared by the buffer tests: samples tagged by id, and waiting on
// calls that are expected to block.
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "server/buffer/training_buffer.hpp"

namespace apiary::server::testing {

// A buffer kind by its study-file name ("fifo", "firo", "reservoir").
inline config::BufferKind buffer_kind(const char* name) {
  return config::option_named<config::BufferKind>(name).value();
}

// A call that should block is given this long to (wrongly) return. Too short
// only makes a broken buffer pass by luck; it never fails a correct one.
inline constexpr std::chrono::milliseconds kBlockedFor{100};
// A call that should return is given this long: generous, for loaded machines.
inline constexpr std::chrono::seconds kCompletesWithin{20};

inline SamplePtr make_sample(std::uint32_t id) {
  auto sample = std::make_shared<Sample>();
  sample->simulation_id = id;
  return sample;
}

// A sample carrying model inputs (the parameters, then the time-step index).
inline SamplePtr make_sample(std::uint32_t id, std::vector<float> inputs) {
  auto sample = std::make_shared<Sample>();
  sample->simulation_id = id;
  sample->inputs = std::move(inputs);
  return sample;
}

inline std::vector<std::uint32_t> ids_of(const std::vector<SamplePtr>& batch) {
  std::vector<std::uint32_t> ids;
  for (const SamplePtr& sample : batch) {
    ids.push_back(sample->simulation_id);
  }
  return ids;
}

inline bool all_distinct(const std::vector<SamplePtr>& batch) {
  const std::vector<std::uint32_t> ids = ids_of(batch);
  return std::set<std::uint32_t>(ids.begin(), ids.end()).size() == ids.size();
}

inline std::unique_ptr<TrainingBuffer> make(const char* kind, std::size_t capacity, std::size_t watermark = 0,
                                            std::size_t pseudo_epochs = 1, std::uint64_t seed = 7) {
  BufferOptions options;
  options.kind = buffer_kind(kind);
  options.capacity = capacity;
  options.watermark = watermark;
  options.pseudo_epochs = pseudo_epochs;
  options.seed = seed;
  return make_buffer(options);
}

inline std::unique_ptr<TrainingBuffer> make_capped_reservoir(std::size_t capacity, std::size_t watermark,
                                                             std::size_t max_serves, std::uint64_t seed = 7) {
  BufferOptions options;
  options.kind = config::BufferKind::reservoir;
  options.capacity = capacity;
  options.watermark = watermark;
  options.max_serves = max_serves;
  options.seed = seed;
  return make_buffer(options);
}

// Puts ids [first, first + count); every put must be accepted.
inline void put_range(TrainingBuffer& buffer, std::uint32_t first, std::uint32_t count) {
  for (std::uint32_t id = first; id < first + count; ++id) {
    if (!buffer.put(make_sample(id))) {
      throw std::logic_error("put refused");
    }
  }
}

// Gets batches until the buffer reports exhaustion; counts serves per id.
inline std::map<std::uint32_t, int> drain(TrainingBuffer& buffer, std::size_t batch_size) {
  std::map<std::uint32_t, int> served;
  for (auto batch = buffer.get(batch_size); !batch.empty(); batch = buffer.get(batch_size)) {
    for (std::uint32_t id : ids_of(batch)) {
      ++served[id];
    }
  }
  return served;
}

inline std::uint64_t histogram_total(const BufferStats& stats) {
  std::uint64_t total = 0;
  for (const auto& [times, samples] : stats.seen_histogram) {
    total += samples;
  }
  return total;
}

template <typename T>
bool is_blocked(const std::future<T>& call) {
  return call.wait_for(kBlockedFor) == std::future_status::timeout;
}

template <typename T>
bool completes(const std::future<T>& call) {
  return call.wait_for(kCompletesWithin) == std::future_status::ready;
}

// Closes the buffer when a test leaves, failed assertions included, so that
// a call left blocked by a broken buffer returns and its future can be
// destroyed. Declare it after the futures it must release.
class CloseOnExit {
 public:
  explicit CloseOnExit(TrainingBuffer& buffer) : buffer_(buffer) {}
  ~CloseOnExit() { buffer_.close(); }
  CloseOnExit(const CloseOnExit&) = delete;
  CloseOnExit& operator=(const CloseOnExit&) = delete;

 private:
  TrainingBuffer& buffer_;
};

}  // namespace apiary::server::testing
