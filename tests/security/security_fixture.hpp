#pragma once
// A server rank's reception, in process and on real sockets, with the
// study's keys in a temporary run directory: the security tests connect
// to it as the study's clients would, and as other peers could.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>
#include <zmq.hpp>

#include "ingest/ingest_test_support.hpp"
#include "security/curve_keys.hpp"
#include "security/curve_sockets.hpp"
#include "server/ingest/receiver.hpp"

namespace apiary::server::testing {

class SecuredReception : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kSize = 8;

  SecuredReception()
      : run_dir_(std::filesystem::temp_directory_path() / ("apiary-security-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(run_dir_);
    std::filesystem::create_directories(run_dir_);
    key_files_ = security::write_study_keys(run_dir_);
    server_keys_ = security::read_server_keys(key_files_.server);
    client_keys_ = security::read_client_keys(key_files_.client);
    spdlog::set_level(spdlog::level::err);  // refusals are expected here
  }
  ~SecuredReception() override {
    if (receiver_) {
      receiver_->stop();
      receiver_->join();
    }
    spdlog::set_level(spdlog::level::info);
    std::filesystem::remove_all(run_dir_);
  }

  // Starts the reception; security on unless told otherwise.
  void start(bool secured = true, std::size_t max_connections = 0, std::int64_t max_message_bytes = -1) {
    ReceiverOptions options;
    if (secured) options.access.keys = server_keys_;
    options.access.max_connections = max_connections;
    options.max_message_bytes = max_message_bytes;
    receiver_ = std::make_unique<Receiver>(options);
    IngestOptions ingest_options;
    ingest_options.field = std::string(kField);
    ingest_options.field_size = kSize;
    ingest_options.time_steps = 3;
    ingest_options.data_endpoints = {receiver_->endpoints().data};
    ingest_ =
        std::make_unique<Ingest>(ingest_options, two_parameter_plan(), [this](SamplePtr, plan::Role) { ++samples_; });
    receiver_->start(
        *ingest_, [] { return true; }, [] {});
  }

  // Client keys that are not the study's: a pair of its own, the real server key.
  security::ClientKeys stranger_keys() const { return {security::generate_key_pair(), client_keys_.server_public_key}; }

  zmq::socket_t socket_of(zmq::socket_type type, const std::optional<security::ClientKeys>& keys) {
    zmq::socket_t socket(context_, type);
    socket.set(zmq::sockopt::linger, 0);
    if (keys) security::make_curve_client(socket, *keys);
    return socket;
  }

  // A registration over the control socket: true when the server answered.
  bool registers(const std::optional<security::ClientKeys>& keys) {
    auto control = socket_of(zmq::socket_type::req, keys);
    control.connect(receiver_->endpoints().control);
    protocol::Header hello;
    hello.type = protocol::MessageType::hello;
    hello.client_ranks = 1;
    hello.global_size = kSize;
    control.send(zmq::buffer(protocol::encode(hello, kField)), zmq::send_flags::none);
    zmq::pollitem_t item{control.handle(), 0, ZMQ_POLLIN, 0};
    return zmq::poll(&item, 1, std::chrono::seconds(2)) > 0;
  }

  std::uint64_t refused(Refusal refusal) const {
    return receiver_->connections().refused[static_cast<std::size_t>(refusal)].load();
  }

  // Connection events are counted by another thread: wait for one.
  template <typename Condition>
  static bool eventually(Condition condition) {
    for (int i = 0; i < 300 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return condition();
  }

  std::filesystem::path run_dir_;
  security::StudyKeyFiles key_files_;
  security::ServerKeys server_keys_;
  security::ClientKeys client_keys_;
  zmq::context_t context_{1};
  std::unique_ptr<Receiver> receiver_;
  std::unique_ptr<Ingest> ingest_;
  std::atomic<int> samples_{0};
};

}  // namespace apiary::server::testing
