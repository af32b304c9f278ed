#pragma once
// Samples of the held-out simulations: received like the others, never put
// in the training buffer, read by the trainer at each validation.
#include <mutex>
#include <vector>

#include "server/samples/sample.hpp"

namespace apiary::server {

class ValidationSet {
 public:
  void add(SamplePtr sample) {
    std::lock_guard lock(mutex_);
    samples_.push_back(std::move(sample));
  }
  // The samples received so far (shared pointers: no field is copied).
  std::vector<SamplePtr> snapshot() const {
    std::lock_guard lock(mutex_);
    return samples_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<SamplePtr> samples_;
};

}  // namespace apiary::server
