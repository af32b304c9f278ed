#include "sample_drain.hpp"

namespace apiary::bench {

SampleDrain::SampleDrain(server::TrainingBuffer& buffer, std::size_t batch_size)
    : buffer_(buffer), thread_([this, batch_size] {
        // An empty batch: the buffer is closed and empty.
        while (!buffer_.get(batch_size).empty()) {
        }
      }) {}

SampleDrain::~SampleDrain() {
  buffer_.close();
  thread_.join();
}

}  // namespace apiary::bench
