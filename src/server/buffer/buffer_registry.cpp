// make_buffer(): the one place that maps a study's buffer kind to a policy
// and checks the options that policy depends on.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "server/buffer/fifo_buffer.hpp"
#include "server/buffer/firo_buffer.hpp"
#include "server/buffer/reservoir_buffer.hpp"
#include "server/buffer/training_buffer.hpp"

namespace apiary::server {
namespace {

void require_watermark_within_capacity(const BufferOptions& options) {
  if (options.watermark > options.capacity) {
    throw ConfigError("buffer watermark (" + std::to_string(options.watermark) + " samples) exceeds the capacity (" +
                      std::to_string(options.capacity) + " samples): training would never start");
  }
}

std::unique_ptr<TrainingBuffer> make_fifo(const BufferOptions& options) {
  return std::make_unique<FifoBuffer>(options.capacity, options.seed);
}

std::unique_ptr<TrainingBuffer> make_firo(const BufferOptions& options) {
  require_watermark_within_capacity(options);
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
  require_watermark_within_capacity(options);
  if (options.max_serves > std::numeric_limits<std::uint32_t>::max()) {
    throw ConfigError("buffer max_serves (" + std::to_string(options.max_serves) +
                      ") is too large for kind 'reservoir'");
  }
  return std::make_unique<ReservoirBuffer>(options.capacity, options.watermark, options.seed,
                                           static_cast<std::uint32_t>(options.max_serves));
}

struct Kind {
  std::string_view name;
  std::unique_ptr<TrainingBuffer> (*make)(const BufferOptions&);
};

// The error message for an unknown kind lists this table, so it stays true.
constexpr std::array<Kind, 3> kKinds{{
    {"fifo", make_fifo},
    {"firo", make_firo},
    {"reservoir", make_reservoir},
}};

std::string known_kinds() {
  std::string names;
  for (const Kind& kind : kKinds) {
    names += names.empty() ? "" : ", ";
    names += kind.name;
  }
  return names;
}

}  // namespace

std::unique_ptr<TrainingBuffer> make_buffer(const BufferOptions& options) {
  const auto kind =
      std::find_if(kKinds.begin(), kKinds.end(), [&options](const Kind& known) { return known.name == options.kind; });
  if (kind == kKinds.end()) {
    throw ConfigError("unknown buffer kind '" + options.kind + "' (known kinds: " + known_kinds() + ")");
  }
  if (options.capacity == 0) {
    throw ConfigError("buffer capacity must be at least 1 sample");
  }
  return kind->make(options);
}

}  // namespace apiary::server
