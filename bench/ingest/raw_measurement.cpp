// The baseline: a bare ZeroMQ PULL socket with the server's receive
// options, read as fast as ZeroMQ delivers, the messages dropped unread.
#include <cstring>
#include <optional>
#include <zmq.hpp>

#include "client_fleet.hpp"
#include "common/error.hpp"
#include "cpu_usage.hpp"
#include "measurement.hpp"

namespace apiary::bench {
namespace {

// Long enough not to wake up between messages, short enough to notice
// soon that the clients are gone.
constexpr int kReceiveTimeoutMs = 100;
// Where the header keeps the simulation id (docs/protocol.md): the one
// field read here, to tell the clients apart.
constexpr std::size_t kSimulationIdOffset = 8;

std::uint32_t simulation_of(const zmq::message_t& message) {
  std::uint32_t id = 0;
  std::memcpy(&id, static_cast<const std::byte*>(message.data()) + kSimulationIdOffset, sizeof id);
  return id;
}

std::vector<std::string> with_endpoint(std::vector<std::string> arguments, const std::string& endpoint) {
  arguments.insert(arguments.end(), {"--endpoint", endpoint});
  return arguments;
}

}  // namespace

Measurement measure_raw(const MeasurementOptions& options) {
  const auto plan = make_plan(options.clients);
  const std::size_t data_bytes = data_message_bytes(options.values);
  zmq::context_t context(1);
  zmq::socket_t data(context, zmq::socket_type::pull);
  // As the server's Receiver sets its data socket.
  data.set(zmq::sockopt::linger, 0);
  data.set(zmq::sockopt::rcvhwm, options.receive_queue);
  data.set(zmq::sockopt::rcvtimeo, kReceiveTimeoutMs);
  data.bind("tcp://127.0.0.1:*");
  ArrivalLog log(options.clients, options.clients * options.steps);

  const auto cpu_before = cpu_snapshot();
  const auto spawned = Clock::now();
  ClientFleet fleet(
      plan, {with_endpoint(client_arguments(options), data.get(zmq::sockopt::last_endpoint)), "", "", options.log_dir});
  const auto started = fleet.start(options.timeout);
  // Each client's last message is a small end message, as the library's
  // finalize sends: only messages of the data size are data.
  std::size_t ended = 0;
  zmq::message_t message;
  const auto deadline = started + options.timeout;
  bool clients_gone = false;
  // As stop_after_stream(), from this loop: it cannot wait elsewhere.
  std::optional<Clock::time_point> all_heard, stopped;
  while (ended < options.clients) {
    if (options.stream_time.count() > 0 && !stopped) {
      if (!all_heard && log.clients_heard() == options.clients) all_heard = Clock::now();
      if (all_heard && Clock::now() - *all_heard >= options.stream_time) {
        stopped = Clock::now();
        fleet.stop();
      }
    }
    if (!data.recv(message)) {
      // Silence for a whole timeout after every client exited: what is
      // missing is not coming.
      if (clients_gone || Clock::now() > deadline) {
        throw Error(std::to_string(ended) + " of " + std::to_string(options.clients) +
                    " clients' end messages arrived (client logs: " + options.log_dir.string() + ")");
      }
      clients_gone = !fleet.running();
      continue;
    }
    if (message.size() == data_bytes) {
      log.record(simulation_of(message));
    } else {
      ++ended;
    }
  }
  if (fleet.wait(options.timeout).size() != options.clients) {
    throw Error("a client failed: see " + options.log_dir.string());
  }
  const auto cpu_after = cpu_snapshot();

  Measurement result;
  result.arrivals = log.summarize(stopped);
  result.message_bytes = data_bytes;
  result.startup_seconds = std::chrono::duration<double>(started - spawned).count();
  result.wall_seconds = std::chrono::duration<double>(result.arrivals.last - started).count();
  result.details = {{"messages", log.size() + ended}, {"cpu", cpu_used(cpu_before, cpu_after)}};
  return result;
}

}  // namespace apiary::bench
