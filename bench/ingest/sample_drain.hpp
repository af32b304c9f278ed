#pragma once
// Training switched off: a thread in the trainer's place that takes the
// samples out of the training buffer as they come and drops them, so that
// reception alone sets the pace.
#include <cstddef>
#include <thread>

#include "server/buffer/training_buffer.hpp"

namespace apiary::bench {

class SampleDrain {
 public:
  SampleDrain(server::TrainingBuffer& buffer, std::size_t batch_size);
  // Closes the buffer (it ends the thread whatever happened before), then joins.
  ~SampleDrain();
  SampleDrain(const SampleDrain&) = delete;
  SampleDrain& operator=(const SampleDrain&) = delete;

 private:
  server::TrainingBuffer& buffer_;
  std::thread thread_;
};

}  // namespace apiary::bench
