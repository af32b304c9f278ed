// The server's ingest stack, wired as apiary-server wires one rank
// (src/server/main.cpp): Receiver (control REP + data PULL) feeding Ingest
// (validation, reassembly, deduplication), whose samples go into a FIFO
// training buffer that the receiver reads for only while it has room.
#include <atomic>
#include <optional>
#include <zmq.hpp>

#include "client_fleet.hpp"
#include "common/error.hpp"
#include "cpu_usage.hpp"
#include "measurement.hpp"
#include "protocol/frame.hpp"
#include "sample_drain.hpp"
#include "security/curve_keys.hpp"
#include "security/curve_sockets.hpp"
#include "server/buffer/training_buffer.hpp"
#include "server/ingest/ingest.hpp"
#include "server/ingest/receiver.hpp"

namespace apiary::bench {
namespace {

constexpr auto kAcknowledgeTimeout = std::chrono::seconds(10);

// Every started thread must stop before what it uses is destroyed, also
// when a measurement throws.
struct StopReceiver {
  server::Receiver& receiver;
  ~StopReceiver() {
    receiver.stop();
    receiver.join();
  }
};

// The launcher's last word (src/launcher/study/server_handle.cpp): the
// simulations that completed. The receiver then stops once each of them
// has ended, that is once everything they sent has been ingested.
void announce_study_end(const std::string& control, const std::vector<std::uint32_t>& completed,
                        const std::optional<security::ClientKeys>& keys) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::req);
  socket.set(zmq::sockopt::linger, 0);
  if (keys) security::make_curve_client(socket, *keys);
  socket.connect(control);
  protocol::Header header;
  header.type = protocol::MessageType::study_end;
  socket.send(zmq::buffer(protocol::encode(header, "", std::as_bytes(std::span(completed)))), zmq::send_flags::none);
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, kAcknowledgeTimeout) == 0) throw Error("the receiver did not acknowledge the study's end");
  zmq::message_t reply;
  (void)socket.recv(reply);
}

}  // namespace

Measurement measure_apiary(const MeasurementOptions& options) {
  const auto plan = make_plan(options.clients);
  server::ReceiverOptions receiver_options;
  receiver_options.receive_queue = options.receive_queue;
  std::optional<security::ClientKeys> client_keys;
  std::filesystem::path key_file;
  if (options.curve) {
    std::filesystem::remove_all(options.log_dir / "keys");  // a measurement's keys are its own
    const auto files = security::write_study_keys(options.log_dir);
    receiver_options.access.keys = security::read_server_keys(files.server);
    client_keys = security::read_client_keys(files.client);
    key_file = files.client;
  }
  server::Receiver receiver(receiver_options);
  auto buffer = server::make_buffer({.kind = config::BufferKind::fifo, .capacity = options.buffer_capacity});
  ArrivalLog log(options.clients, options.clients * options.steps);
  server::IngestOptions ingest_options{kField,
                                       options.values,
                                       static_cast<std::uint32_t>(options.steps),
                                       {receiver.endpoints().data},
                                       protocol::Routing::round_robin};
  std::atomic<std::uint64_t> refused{0};
  server::Ingest ingest(ingest_options, plan, [&](server::SamplePtr sample, plan::Role /*role*/) {
    log.record(sample->simulation_id);
    if (!buffer->put(std::move(sample))) ++refused;
  });
  SampleDrain drain(*buffer, options.drain_batch);
  receiver.start(
      ingest, [&] { return buffer->has_room(); }, [&] { buffer->close(); });
  StopReceiver stop_receiver{receiver};

  const auto cpu_before = cpu_snapshot();
  const auto spawned = Clock::now();
  ClientFleet fleet(plan, {client_arguments(options), receiver.endpoints().control, key_file, options.log_dir});
  const auto started = fleet.start(options.timeout);
  std::optional<Clock::time_point> stopped;
  if (options.stream_time.count() > 0) stopped = stop_after_stream(fleet, log, options);
  const auto completed = fleet.wait(options.timeout);
  if (completed.size() != options.clients) {
    throw Error(std::to_string(options.clients - completed.size()) + " clients failed: see " +
                options.log_dir.string());
  }
  announce_study_end(receiver.endpoints().control, completed, client_keys);
  receiver.join();
  const auto cpu_after = cpu_snapshot();
  const auto& counters = ingest.counters();
  if (!ingest.finished() || counters.messages_rejected() > 0 || counters.incomplete_steps_dropped > 0) {
    throw Error("the receiver gave up or rejected messages: " + std::to_string(counters.messages_rejected()) +
                " rejected, " + std::to_string(counters.incomplete_steps_dropped.load()) + " steps incomplete");
  }

  Measurement result;
  result.arrivals = log.summarize(stopped);
  result.message_bytes = data_message_bytes(options.values);
  result.startup_seconds = std::chrono::duration<double>(started - spawned).count();
  result.wall_seconds = std::chrono::duration<double>(result.arrivals.last - started).count();
  result.details = {{"messages", counters.messages.load()},
                    {"bytes", counters.bytes.load()},
                    {"time_steps_received", counters.time_steps_received.load()},
                    {"refused_by_buffer", refused.load()},
                    {"buffer", {{"kind", "fifo"}, {"capacity", options.buffer_capacity}}},
                    {"drain_batch", options.drain_batch},
                    {"cpu", cpu_used(cpu_before, cpu_after)}};
  return result;
}

}  // namespace apiary::bench
