// apiary-bench-raw-client: the baseline's client in bench/ingest. Sends
// what apiary-synthetic sends through the client library, byte for byte
// (the same synthetic field, encoded as the same data frames, then an end
// frame), over a bare ZeroMQ PUSH socket with the library's socket options:
// no registration, no MPI, no library.
//
//   apiary-bench-raw-client --endpoint tcp://127.0.0.1:PORT --values 10000 --steps 100
//                           [--gate DIR] [--fixed-field]
//
// Reads APIARY_SIMULATION_ID and APIARY_PARAMETERS like the library does.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "protocol/frame.hpp"
#include "start_gate.hpp"
#include "synthetic_field.hpp"

namespace {

// As src/client/session.cpp: the library's send queue, in messages.
constexpr int kSendQueueMessages = 8;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) throw std::runtime_error(std::string(name) + " is not set");
  return value;
}

std::vector<double> parameters_from(const std::string& text) {
  std::vector<double> values;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) values.push_back(std::stod(item));
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint;
  std::size_t values = 0, steps = 0;
  std::string gate;
  bool fixed_field = false;
  CLI::App app{"apiary-synthetic's stream over bare ZeroMQ: the baseline of the ingest benchmark"};
  app.add_option("--endpoint", endpoint, "the receiver's PULL endpoint")->required();
  app.add_option("--values", values, "float32 values in the field")->required()->check(CLI::PositiveNumber);
  app.add_option("--steps", steps, "time steps to send")->required()->check(CLI::PositiveNumber);
  app.add_option("--gate", gate, "once connected, wait at this start gate (start_gate.hpp) and stop when it says so");
  app.add_flag("--fixed-field", fixed_field, "send the first step's values at every step");
  CLI11_PARSE(app, argc, argv);
  try {
    const auto simulation_id = static_cast<std::uint32_t>(std::stoul(environment("APIARY_SIMULATION_ID")));
    const apiary::bench::SyntheticField field(parameters_from(environment("APIARY_PARAMETERS")), values, 0, values);
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::push);
    socket.set(zmq::sockopt::linger, -1);
    socket.set(zmq::sockopt::sndhwm, kSendQueueMessages);
    socket.connect(endpoint);

    apiary::protocol::Header header;
    header.type = apiary::protocol::MessageType::data;
    header.simulation_id = simulation_id;
    header.length = values;
    header.global_size = values;
    header.dtype = apiary::protocol::DType::float32;
    const std::string name = "field";
    // As apiary-synthetic: the first step is computed before the gate.
    std::vector<float> field_values(values);
    field.fill(0, field_values);
    std::optional<apiary::bench::StopSignal> stop;
    if (!gate.empty()) {
      apiary::bench::wait_at_gate(gate);
      stop.emplace(gate);
    }
    std::size_t step = 0;
    for (; step < steps && !(stop && stop->requested()); ++step) {
      if (step > 0 && !fixed_field) field.fill(step, field_values);
      header.time_step = static_cast<std::uint32_t>(step);
      const auto payload = std::as_bytes(std::span(field_values));
      // One copy into the message, as the library's apiary_send makes.
      zmq::message_t message(apiary::protocol::encoded_size(name, payload.size()));
      apiary::protocol::encode_into(std::span(static_cast<std::byte*>(message.data()), message.size()), header, name,
                                    payload);
      socket.send(message, zmq::send_flags::none);
    }
    apiary::protocol::Header end;
    end.type = apiary::protocol::MessageType::end;
    end.simulation_id = simulation_id;
    end.time_step = static_cast<std::uint32_t>(step);
    socket.send(zmq::buffer(apiary::protocol::encode(end, name)), zmq::send_flags::none);
    // Closing waits (linger -1) until every message left this process.
    socket.close();
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "apiary-bench-raw-client: " << error.what() << "\n";
    return 1;
  }
}
