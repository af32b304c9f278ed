#pragma once
// The training buffer between reception and training: a bounded,
// thread-safe store with one policy per subclass (FIFO, FIRO, reservoir).
//
// Non-virtual interface: the public calls take the lock, wait on the
// condition variables and keep the counters; subclasses implement only
// the policy hooks, always called with the lock held.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "server/sample.hpp"

namespace apiary::server {

struct BufferStats {
  std::size_t size = 0;       // samples held now
  std::size_t capacity = 0;   // samples
  std::uint64_t puts = 0;     // samples accepted
  std::uint64_t gets = 0;     // samples served (a sample served twice counts twice)
  std::uint64_t evicted = 0;  // samples removed by the policy (served out, or replaced)
  bool closed = false;
  // How many times each sample had been served when it left the buffer,
  // plus the samples still held: key = times served, value = samples.
  std::map<std::uint32_t, std::uint64_t> seen_histogram;
};

// A slot of the buffer: the sample and how often it was served.
struct BufferEntry {
  SamplePtr sample;
  std::uint32_t seen = 0;
};

class TrainingBuffer {
 public:
  TrainingBuffer(std::size_t capacity, std::uint64_t seed);
  virtual ~TrainingBuffer() = default;
  TrainingBuffer(const TrainingBuffer&) = delete;
  TrainingBuffer& operator=(const TrainingBuffer&) = delete;

  // Adds a sample. Blocks while the policy has no room (back-pressure on
  // reception), returns false without storing if the buffer was closed.
  // Throws apiary::Error on a null sample.
  bool put(SamplePtr sample);

  // Serves up to batch_size samples. Blocks until the policy can serve a
  // full batch, or, once closed, whatever remains; an empty result means
  // the buffer is exhausted and no more samples will ever come. Throws
  // apiary::Error when batch_size is 0 (an empty batch would read as exhausted).
  std::vector<SamplePtr> get(std::size_t batch_size);

  // End of stream: no more puts; wakes every waiter.
  void close();

  BufferStats stats() const;
  std::size_t capacity() const { return capacity_; }

 protected:
  // Policy hooks, called with the lock held.
  virtual bool has_room() const = 0;
  // Called once before the serve_one() calls of each get(), so that a
  // random policy can avoid serving one sample twice in the same batch.
  virtual void begin_batch() {}
  virtual void insert(BufferEntry entry, std::mt19937_64& rng) = 0;
  // True when a batch of batch_size can be served now (closed tells
  // whether the stream ended, which releases watermarks and drains).
  virtual bool can_serve(std::size_t batch_size, bool closed) const = 0;
  // Serves one sample (the hook updates the entry's seen count and may
  // remove it); only called when size() > 0 and can_serve() held.
  virtual SamplePtr serve_one(bool closed, std::mt19937_64& rng) = 0;
  virtual std::size_t size() const = 0;
  // Adds the seen counts of the samples still held to a histogram.
  virtual void add_held_to_histogram(std::map<std::uint32_t, std::uint64_t>& histogram) const = 0;

  // For subclasses: record a sample leaving the buffer.
  void record_removal(const BufferEntry& entry);

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable room_available_;
  std::condition_variable data_available_;
  std::mt19937_64 rng_;
  bool closed_ = false;
  std::uint64_t puts_ = 0;
  std::uint64_t gets_ = 0;
  std::uint64_t evicted_ = 0;
  std::map<std::uint32_t, std::uint64_t> removed_histogram_;
};

struct BufferOptions {
  std::string kind = "reservoir";  // "fifo", "firo", "reservoir"
  std::size_t capacity = 1000;     // samples
  std::size_t watermark = 100;     // reservoir, firo: samples held before serving starts
  std::size_t pseudo_epochs = 1;   // firo: times a sample is served before removal
  std::uint64_t seed = 0;
};

// The registry: builds a buffer by kind; throws apiary::Error naming the
// unknown kind and the known ones.
std::unique_ptr<TrainingBuffer> make_buffer(const BufferOptions& options);

}  // namespace apiary::server
