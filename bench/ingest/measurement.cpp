#include "measurement.hpp"

#include <thread>

#include "client_fleet.hpp"
#include "common/error.hpp"
#include "protocol/frame.hpp"

namespace apiary::bench {

std::size_t data_message_bytes(std::size_t values) { return protocol::encoded_size(kField, values * sizeof(float)); }

std::vector<std::string> client_arguments(const MeasurementOptions& options) {
  std::vector<std::string> arguments{options.client.string(), "--values", std::to_string(options.values), "--steps",
                                     std::to_string(options.steps)};
  if (options.fixed_field) arguments.emplace_back("--fixed-field");
  return arguments;
}

Clock::time_point stop_after_stream(ClientFleet& fleet, const ArrivalLog& log, const MeasurementOptions& options) {
  const auto deadline = Clock::now() + options.timeout;
  while (log.clients_heard() < options.clients) {
    if (!fleet.running() || Clock::now() > deadline) {
      throw Error("data arrived from " + std::to_string(log.clients_heard()) + " of " +
                  std::to_string(options.clients) + " clients (logs: " + options.log_dir.string() + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(options.stream_time);
  const auto stopped = Clock::now();
  fleet.stop();
  return stopped;
}

}  // namespace apiary::bench
