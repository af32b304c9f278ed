#pragma once
// The reception thread: owns the server's ZeroMQ sockets and feeds every
// message to Ingest, so that reception never waits for training.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "server/ingest/ingest.hpp"

namespace apiary::server {

struct Endpoints {
  std::string control;  // REP: registrations and the launcher's study_end
  std::string data;     // PULL: data and end messages
};

class Receiver {
 public:
  // Binds both sockets on host (ephemeral ports).
  explicit Receiver(const std::string& host);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  const Endpoints& endpoints() const { return endpoints_; }

  // Starts the thread; it returns once ingest.finished() (then calls
  // on_finished), or when stop() is called.
  void start(Ingest& ingest, std::function<void()> on_finished);
  void stop();
  void join();

 private:
  void run(Ingest& ingest, const std::function<void()>& on_finished);

  zmq::context_t context_;
  zmq::socket_t control_;
  zmq::socket_t data_;
  Endpoints endpoints_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace apiary::server
