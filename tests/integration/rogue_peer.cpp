// apiary-test-rogue: a peer that is not one of the study's clients, for the
// security tests. It waits for a running server (RUN_DIR/server.json),
// connects to every port it lists and sends well-formed and malformed
// messages:
//   --as nokey     plain ZeroMQ, no CURVE: what any user of the machine can do
//   --as wrongkey  CURVE with a key of its own (it knows the server's public key)
//   --as client    CURVE with the study's client key: an authenticated client
//                  that sends one message of each malformed kind to the data socket
// Then it opens the clients' start gate (--gate), so that the study's
// clients stream only after the attack: the attack happens during the
// study, whatever the machine's load.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "protocol/frame.hpp"
#include "security/curve_keys.hpp"
#include "security/curve_sockets.hpp"

namespace fs = std::filesystem;
using namespace apiary;

namespace {

struct Options {
  fs::path run_dir;
  std::string as = "nokey";
  std::string field = "field";
  std::uint64_t field_size = 0;
  std::uint32_t time_steps = 1;
  fs::path gate;
  int rounds = 5;
};

nlohmann::json wait_for_server(const fs::path& run_dir) {
  const auto file = run_dir / "server.json";
  for (int i = 0; i < 6000 && !fs::exists(file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!fs::exists(file)) throw std::runtime_error("no server.json in " + run_dir.string() + " after 60 s");
  return nlohmann::json::parse(std::ifstream(file));
}

protocol::Header data_header(const Options& o, std::uint32_t simulation, std::uint32_t step) {
  protocol::Header h;
  h.type = protocol::MessageType::data;
  h.simulation_id = simulation;
  h.time_step = step;
  h.client_ranks = 1;
  h.length = o.field_size;
  h.global_size = o.field_size;
  h.dtype = protocol::DType::float32;
  return h;
}

std::vector<std::byte> encode_values(const protocol::Header& h, const std::string& name,
                                     const std::vector<float>& values) {
  return protocol::encode(h, name, std::as_bytes(std::span(values)));
}

// One message of each kind the server must reject, with the reason it must
// count: every test asserts the counts by these names.
std::vector<std::pair<std::string, std::vector<std::byte>>> malformed_messages(const Options& o) {
  const std::vector<float> values(o.field_size, 1.0f);
  const auto good = data_header(o, 0, 0);
  std::vector<std::pair<std::string, std::vector<std::byte>>> messages;

  auto truncated = encode_values(good, o.field, values);
  truncated.pop_back();
  messages.emplace_back("truncated", truncated);

  auto oversized = encode_values(good, o.field, values);
  oversized.push_back(std::byte{0});
  messages.emplace_back("oversized", oversized);

  auto version = encode_values(good, o.field, values);
  version[4] = std::byte{1};  // the version field, at offset 4: version 1, which this build refuses
  messages.emplace_back("unsupported_version", version);

  auto beyond = good;
  beyond.offset = 1;  // [1, field_size + 1) of a field of field_size values
  messages.emplace_back("offset_out_of_range", encode_values(beyond, o.field, values));

  auto mismatch = good;
  mismatch.length = o.field_size - 1;  // the payload holds field_size values
  messages.emplace_back("length_mismatch", encode_values(mismatch, o.field, values));

  auto poisoned = values;
  poisoned[o.field_size / 2] = std::numeric_limits<float>::quiet_NaN();
  messages.emplace_back("not_finite", encode_values(data_header(o, 0, o.time_steps - 1), o.field, poisoned));

  messages.emplace_back("unknown_simulation", encode_values(data_header(o, 999'999, 0), o.field, values));
  return messages;
}

void secure(zmq::socket_t& socket, const Options& o, const security::KeyPair& own_key) {
  if (o.as == "nokey") return;
  auto keys = security::read_client_keys(security::key_files_of(o.run_dir).client);
  if (o.as == "wrongkey") keys.client = own_key;  // the server's public key is public; the client key is not
  security::make_curve_client(socket, keys);
}

void attack(const Options& o, const nlohmann::json& server) {
  zmq::context_t context(1);
  const auto own_key = security::generate_key_pair();
  const std::vector<float> values(o.field_size, 1.0f);
  for (int round = 0; round < o.rounds; ++round) {
    // Registration on every control port: an authenticated server would answer.
    for (const auto& endpoint : server.at("controls")) {
      zmq::socket_t control(context, zmq::socket_type::req);
      control.set(zmq::sockopt::linger, 0);
      secure(control, o, own_key);
      control.connect(endpoint.get<std::string>());
      protocol::Header hello;
      hello.type = protocol::MessageType::hello;
      hello.client_ranks = 1;
      hello.global_size = o.field_size;
      (void)control.send(zmq::buffer(protocol::encode(hello, o.field)), zmq::send_flags::dontwait);
      zmq::pollitem_t item{control.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds(200)) > 0) {
        std::cerr << "apiary-test-rogue: the server answered a registration on " << endpoint << "\n";
      }
    }
    // Data on every data port: a well-formed step of a planned simulation,
    // then the malformed kinds.
    for (const auto& endpoint : server.at("data")) {
      zmq::socket_t data(context, zmq::socket_type::push);
      data.set(zmq::sockopt::linger, 0);
      secure(data, o, own_key);
      data.connect(endpoint.get<std::string>());
      (void)data.send(zmq::buffer(encode_values(data_header(o, 0, 0), o.field, values)), zmq::send_flags::dontwait);
      for (const auto& [reason, message] : malformed_messages(o)) {
        (void)data.send(zmq::buffer(message), zmq::send_flags::dontwait);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

// An authenticated client's malformed messages, each sent once and for
// sure (a blocking send with linger, so that none is lost on close).
void send_malformed_as_client(const Options& o, const nlohmann::json& server) {
  zmq::context_t context(1);
  zmq::socket_t data(context, zmq::socket_type::push);
  data.set(zmq::sockopt::linger, -1);
  secure(data, o, {});
  data.connect(server.at("data").at(0).get<std::string>());
  for (const auto& [reason, message] : malformed_messages(o)) {
    data.send(zmq::buffer(message), zmq::send_flags::none);
    std::cout << "sent " << reason << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"apiary-test-rogue: a peer that is not one of the study's clients (security tests)"};
  Options o;
  app.add_option("--run-dir", o.run_dir, "the study's run directory")->required();
  app.add_option("--as", o.as, "nokey, wrongkey or client")->check(CLI::IsMember({"nokey", "wrongkey", "client"}));
  app.add_option("--field", o.field, "the study's field");
  app.add_option("--field-size", o.field_size, "values in the study's field")
      ->required()
      ->check(CLI::Range(2, 1 << 24));
  app.add_option("--time-steps", o.time_steps, "time steps per simulation")->check(CLI::PositiveNumber);
  app.add_option("--gate", o.gate, "the clients' start gate: opened after the attack");
  app.add_option("--rounds", o.rounds, "connection rounds (nokey, wrongkey)")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    const auto server = wait_for_server(o.run_dir);
    if (o.as == "client") {
      send_malformed_as_client(o, server);
    } else {
      attack(o, server);
    }
    if (!o.gate.empty()) std::ofstream(o.gate / "start").put('\n');
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "apiary-test-rogue: " << error.what() << "\n";
    if (!o.gate.empty()) std::ofstream(o.gate / "start").put('\n');
    return 1;
  }
}
