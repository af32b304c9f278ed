#pragma once
// Durations of buffer calls over one metrics window, for percentiles.
//
// Memory is bounded: at most kMaxKept durations (32 KiB) are kept whatever
// the number of calls. Beyond that, reservoir sampling (Algorithm R) keeps a
// uniform random sample of every call of the window, so the percentiles
// describe the whole window rather than its last calls.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace apiary::server {

struct LatencySummary {
  double median = 0.0;  // seconds
  double p99 = 0.0;     // seconds
};

class LatencyWindow {
 public:
  static constexpr std::size_t kMaxKept = 4096;

  void record(double seconds);

  // Nearest-rank percentiles of the kept durations; zeros when none.
  LatencySummary summary() const;

  // Calls recorded since the last reset, kept or not.
  std::uint64_t calls() const { return calls_; }

  void reset();

 private:
  std::vector<double> kept_;
  std::uint64_t calls_ = 0;
  // Its own generator: the buffer's draws must depend only on its seed and
  // its puts and gets, not on how metrics are sampled.
  std::minstd_rand rng_;
};

}  // namespace apiary::server
