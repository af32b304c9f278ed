#pragma once
// The baseline the server is measured against: the server's model and
// optimizer, trained on batches drawn from random tensors already in memory.
// No reception, no buffer, no normalisation, no metrics: what remains is the
// cost of libtorch itself. No libtorch in this header.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace apiary::bench {

struct BareLoopOptions {
  std::size_t inputs = 6;  // parameters + 1 (the time step)
  std::size_t outputs = 10000;
  std::vector<int> hidden = {256, 256};
  std::size_t batch = 64;
  int threads = 2;  // libtorch's threads; its default here is 1, so always set
  double learning_rate = 1e-3;
  // Samples drawn from; sized so that the pool is larger than the caches,
  // like the server's buffer, unless that is fewer than one batch.
  std::size_t pool_samples = 1024;
  std::uint64_t seed = 0;
};

struct TimedRun {
  std::uint64_t batches = 0;
  std::uint64_t samples = 0;
  double seconds = 0.0;
  double samples_per_second() const { return seconds > 0 ? static_cast<double>(samples) / seconds : 0.0; }
};

class BareTrainingLoop {
 public:
  explicit BareTrainingLoop(const BareLoopOptions& options);
  ~BareTrainingLoop();
  BareTrainingLoop(const BareTrainingLoop&) = delete;
  BareTrainingLoop& operator=(const BareTrainingLoop&) = delete;

  // Trains at least min_batches, and on until seconds have passed.
  TimedRun run(std::uint64_t min_batches, double seconds);

  // The thread count libtorch reports, to show the setting took.
  int torch_threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apiary::bench
