#include "measurement.hpp"

#include "protocol/frame.hpp"

namespace apiary::bench {

std::size_t data_message_bytes(std::size_t values) { return protocol::encoded_size(kField, values * sizeof(float)); }

std::vector<std::string> client_arguments(const MeasurementOptions& options) {
  std::vector<std::string> arguments{options.client.string(), "--values", std::to_string(options.values), "--steps",
                                     std::to_string(options.steps)};
  if (options.fixed_field) arguments.emplace_back("--fixed-field");
  return arguments;
}

}  // namespace apiary::bench
