#pragma once
// The per-value statistics of the training fields that the output
// normalisation is frozen from (README, "Normalisation"): sums and sums of
// squares, accumulated by reception (or a dataset loader) from any thread,
// reduced over the server's ranks once training starts. No libtorch: a
// rank's checkpoint saves them too.
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "server/samples/sample.hpp"

namespace apiary::server {

// Accumulates per-value sums of the training fields until frozen.
class FieldStatistics {
 public:
  // Everything it holds, for checkpoints.
  struct State {
    bool frozen = false;
    std::uint64_t count = 0;
    std::vector<double> sum;
    std::vector<double> sum_of_squares;
  };

  explicit FieldStatistics(std::size_t field_size);
  void add(const Sample& sample);  // thread safe; ignored once frozen
  // Sums this process's statistics with other processes' in place (the
  // server's ranks each saw a share of the samples).
  using Reduce = std::function<void(std::span<double>)>;
  // Freezes the statistics; returns mean per value and global deviation
  // over the samples of every rank when reduce is given.
  std::pair<std::vector<float>, float> freeze(const Reduce& reduce = {});
  // Samples counted (over every rank once frozen with a reduce).
  std::uint64_t count() const;
  State state() const;
  // Throws apiary::Error when the state is of another field size.
  void restore(State state);

 private:
  mutable std::mutex mutex_;
  bool frozen_ = false;
  std::uint64_t count_ = 0;
  std::vector<double> sum_;
  std::vector<double> sum_of_squares_;
};

}  // namespace apiary::server
