#pragma once
// The training buffer between reception and training: a bounded,
// thread-safe store with one policy per subclass (FIFO, FIRO, reservoir).
//
// Non-virtual interface: the public calls take the lock, wait on the
// condition variables and keep the counters; subclasses implement only
// the policy hooks, always called with the lock held.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "config/options.hpp"
#include "server/buffer/latency_window.hpp"
#include "server/samples/sample.hpp"

namespace apiary::server {

struct BufferStats {
  std::size_t size = 0;       // samples held now
  std::size_t capacity = 0;   // samples
  double occupancy = 0.0;     // size / capacity
  std::uint64_t puts = 0;     // samples accepted
  std::uint64_t gets = 0;     // samples served (a sample served twice counts twice)
  std::uint64_t evicted = 0;  // samples removed by the policy (served out, or replaced)
  bool closed = false;
  // How many times each sample had been served when it left the buffer,
  // plus the samples still held: key = times served, value = samples.
  std::map<std::uint32_t, std::uint64_t> seen_histogram;

  // Since the last take_window_stats() (or construction): samples accepted
  // and served, as puts and gets count them (so puts_in_window -
  // gets_in_window is the window's put/get increment), and the durations of
  // the calls, waits included: accepted put() calls, and get() or try_get()
  // calls that returned a batch (a refused put or an empty result is not a
  // transfer; timing it would mix in the end of the stream).
  std::uint64_t puts_in_window = 0;
  std::uint64_t gets_in_window = 0;
  LatencySummary put_latency;
  LatencySummary get_latency;

  // Per model input (Sample::inputs: the parameters, then the time-step
  // index), over the samples held now: what the trainer is being fed.
  // Empty when the buffer is empty.
  std::vector<double> input_mean;
  std::vector<double> input_std;  // population standard deviation
};

// What the buffer would do now, read without blocking: lets ranks of a
// data-parallel trainer agree on whether to step before any of them waits.
struct BufferReadiness {
  bool can_serve = false;  // get(batch_size) would return a non-empty batch at once
  bool closed = false;     // no more puts will be accepted
  bool full = false;       // a put() would block now
  bool exhausted = false;  // closed and empty: get() returns an empty batch
  std::size_t size = 0;    // samples held
};

// A slot of the buffer: the sample and how often it was served.
struct BufferEntry {
  SamplePtr sample;
  std::uint32_t seen = 0;
};

// Everything a buffer holds and counts, for checkpoints: restoring it
// into a buffer of the same kind and capacity gives one that holds, counts
// and serves exactly what the original would have.
struct BufferSnapshot {
  config::BufferKind kind = config::BufferKind::fifo;
  std::vector<BufferEntry> entries;   // in the policy's slot order
  std::vector<std::uint64_t> policy;  // the policy's own state (sampler stamps, seen index)
  std::uint64_t puts = 0;
  std::uint64_t gets = 0;
  std::uint64_t evicted = 0;
  std::map<std::uint32_t, std::uint64_t> removed_histogram;  // seen count -> samples removed
  std::string rng;                                           // the std::mt19937_64's state, as its operator<< writes it
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

  // True when a put() would return at once: the policy has room, or the
  // buffer is closed (put refuses at once). With a single producer it stays
  // true until that producer puts, so a receiver can check it before
  // reading more data and never block inside put().
  bool has_room() const;

  // Serves up to batch_size samples. Blocks until the policy can serve a
  // full batch, or, once closed, whatever remains; an empty result means
  // the buffer is exhausted and no more samples will ever come. Throws
  // apiary::Error when batch_size is 0 (an empty batch would read as exhausted).
  std::vector<SamplePtr> get(std::size_t batch_size);

  // What get(batch_size) would serve if it would return a batch at once;
  // otherwise (not servable yet, or exhausted) an empty vector, at once.
  // Throws apiary::Error when batch_size is 0.
  std::vector<SamplePtr> try_get(std::size_t batch_size);

  // Blocks up to timeout until get(batch_size) would return at once (a
  // batch, or exhaustion); returns whether it would. Throws apiary::Error
  // when batch_size is 0.
  bool wait_until_servable(std::size_t batch_size, std::chrono::milliseconds timeout);

  // A consistent snapshot of what get(batch_size) and put() would do now.
  // Throws apiary::Error when batch_size is 0.
  BufferReadiness readiness(std::size_t batch_size) const;

  // End of stream: no more puts; wakes every waiter.
  void close();

  // Counters, histogram, input moments and the current window's latencies.
  BufferStats stats() const;
  // The same, then starts a new window: latencies and window counts reset.
  BufferStats take_window_stats();

  std::size_t capacity() const { return capacity_; }

  // A consistent copy of the contents, counters and random state (the
  // samples are shared, not copied). Not the closed flag: a restored
  // buffer serves a stream that goes on.
  BufferSnapshot snapshot() const;
  // Replaces contents, counters and random state with a snapshot's. Throws
  // apiary::Error when the snapshot is of another kind, holds more than the
  // capacity, or its policy state does not fit its entries.
  void restore(BufferSnapshot snapshot);

 protected:
  // Policy hooks, called with the lock held.
  virtual bool policy_has_room() const = 0;
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
  // Calls visit on every entry held, in any order.
  virtual void for_each_held(const std::function<void(const BufferEntry&)>& visit) const = 0;

  virtual config::BufferKind kind() const = 0;
  // The policy's entries in slot order and its own state, and back; the
  // entries given to restore_policy number at most the capacity.
  virtual void save_policy(std::vector<BufferEntry>& entries, std::vector<std::uint64_t>& state) const = 0;
  virtual void restore_policy(std::vector<BufferEntry> entries, const std::vector<std::uint64_t>& state) = 0;

  // For subclasses: record a sample leaving the buffer.
  void record_removal(const BufferEntry& entry);

 private:
  using Clock = std::chrono::steady_clock;

  // With the lock held.
  bool servable_locked(std::size_t batch_size) const { return size() > 0 && can_serve(batch_size, closed_); }
  bool exhausted_locked() const { return closed_ && size() == 0; }
  // Serves a batch (requires servable_locked) and times the call from start.
  std::vector<SamplePtr> serve_locked(std::size_t batch_size, Clock::time_point start);
  BufferStats stats_locked() const;

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable room_available_;
  std::condition_variable data_available_;
  std::mt19937_64 rng_;
  bool closed_ = false;
  std::uint64_t puts_ = 0;
  std::uint64_t gets_ = 0;
  std::uint64_t evicted_ = 0;
  std::uint64_t gets_in_window_ = 0;
  std::map<std::uint32_t, std::uint64_t> removed_histogram_;
  LatencyWindow put_latencies_;  // one per accepted put: its calls() are the window's puts
  LatencyWindow get_latencies_;
};

struct BufferOptions {
  config::BufferKind kind = config::BufferKind::reservoir;
  std::size_t capacity = 1000;    // samples
  std::size_t watermark = 100;    // reservoir, firo: samples held before serving starts
  std::size_t pseudo_epochs = 1;  // firo: times a sample is served before removal
  std::uint64_t seed = 0;
  std::size_t max_serves = 0;  // reservoir: times a sample is served before removal; 0 = unlimited
};

// The registry: builds a buffer of the kind. Relations between the study's
// buffer keys (a watermark within the capacity) are the study's checks
// (src/config); this one refuses only what the policies cannot represent.
std::unique_ptr<TrainingBuffer> make_buffer(const BufferOptions& options);

}  // namespace apiary::server
