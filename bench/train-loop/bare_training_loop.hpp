#pragma once
// The baseline the server is measured against: the server's model and
// optimizer, trained on batches drawn from random tensors already in memory.
// No reception, no buffer, no normalisation, no metrics: what remains is the
// cost of libtorch itself. No libtorch in this header.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/options.hpp"

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
  config::ComputeDevice device = config::ComputeDevice::cpu;  // as server.device
  // On a GPU: false keeps the pool in the GPU's memory (the ceiling); true
  // gathers each batch on the host into pinned memory and copies it over,
  // as the server does from its buffer.
  bool batches_from_host = false;
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
  // Where it trains, e.g. "cpu" or "cuda:0".
  std::string device() const;
  // Float32 multiply-adds of an n x n by n x n product on the same device,
  // in FLOP/s (2 n^3 per product; the median of several): the bound the
  // MLP's matrix products can reach.
  double matmul_flops_per_second(int n) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apiary::bench
