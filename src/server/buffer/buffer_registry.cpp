// make_buffer(): the one place that maps a study's buffer kind to a policy.
#include <cstdint>
#include <limits>
#include <string>

#include "common/error.hpp"
#include "server/buffer/fifo_buffer.hpp"
#include "server/buffer/firo_buffer.hpp"
#include "server/buffer/reservoir_buffer.hpp"
#include "server/buffer/training_buffer.hpp"

namespace apiary::server {
namespace {

std::unique_ptr<TrainingBuffer> make_fifo(const BufferOptions& options) {
  return std::make_unique<FifoBuffer>(options.capacity, options.seed);
}

std::unique_ptr<TrainingBuffer> make_firo(const BufferOptions& options) {
  if (options.pseudo_epochs == 0) {
    throw ConfigError("buffer pseudo_epochs must be at least 1 for kind 'firo'");
  }
  if (options.pseudo_epochs > std::numeric_limits<std::uint32_t>::max()) {
    throw ConfigError("buffer pseudo_epochs (" + std::to_string(options.pseudo_epochs) +
                      ") is too large for kind 'firo'");
  }
  return std::make_unique<FiroBuffer>(options.capacity, options.watermark,
                                      static_cast<std::uint32_t>(options.pseudo_epochs), options.seed);
}

std::unique_ptr<TrainingBuffer> make_reservoir(const BufferOptions& options) {
  if (options.max_serves > std::numeric_limits<std::uint32_t>::max()) {
    throw ConfigError("buffer max_serves (" + std::to_string(options.max_serves) +
                      ") is too large for kind 'reservoir'");
  }
  return std::make_unique<ReservoirBuffer>(options.capacity, options.watermark, options.seed,
                                           static_cast<std::uint32_t>(options.max_serves));
}

}  // namespace

std::unique_ptr<TrainingBuffer> make_buffer(const BufferOptions& options) {
  if (options.capacity == 0) {
    throw ConfigError("buffer capacity must be at least 1 sample");
  }
  switch (options.kind) {
    case config::BufferKind::fifo:
      return make_fifo(options);
    case config::BufferKind::firo:
      return make_firo(options);
    case config::BufferKind::reservoir:
      return make_reservoir(options);
  }
  throw Error("make_buffer: no buffer for kind " + std::to_string(static_cast<int>(options.kind)));
}

}  // namespace apiary::server
