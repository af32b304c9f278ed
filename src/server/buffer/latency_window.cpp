#include "server/buffer/latency_window.hpp"

#include <algorithm>
#include <cmath>

namespace apiary::server {
namespace {

// The smallest kept value with at least fraction q of the values at or below it.
double nearest_rank(std::vector<double>& values, double q) {
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  const std::size_t index = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

}  // namespace

void LatencyWindow::record(double seconds) {
  ++calls_;
  if (kept_.size() < kMaxKept) {
    kept_.push_back(seconds);
    return;
  }
  // Call number calls_ replaces a kept value with probability kMaxKept / calls_.
  std::uniform_int_distribution<std::uint64_t> pick(0, calls_ - 1);
  const std::uint64_t slot = pick(rng_);
  if (slot < kMaxKept) {
    kept_[slot] = seconds;
  }
}

LatencySummary LatencyWindow::summary() const {
  if (kept_.empty()) {
    return {};
  }
  std::vector<double> values = kept_;  // nth_element reorders; the window stays as recorded
  LatencySummary summary;
  summary.median = nearest_rank(values, 0.5);
  summary.p99 = nearest_rank(values, 0.99);
  return summary;
}

void LatencyWindow::reset() {
  kept_.clear();
  calls_ = 0;
}

}  // namespace apiary::server
