#pragma once
// The reception thread of one server rank: owns the rank's ZeroMQ sockets
// and feeds every message to Ingest, so that reception never waits for
// training.
//
// Back-pressure: the data socket is read only while the training buffer
// has room for what a message may complete. Unread messages wait in
// ZeroMQ's queues, bounded by the receive high-water mark (messages per
// client connection), then in the clients' send queues, whose sends then
// block: memory stays bounded and nothing is dropped. The control socket
// is served all the while, so registrations never time out behind a full
// buffer.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "server/ingest/gatekeeper.hpp"
#include "server/ingest/ingest.hpp"

namespace apiary::server {

struct Endpoints {
  std::string control;  // REP: registrations (rank 0) and the launcher's study_end
  std::string data;     // PULL: data and end messages
};

struct ReceiverOptions {
  std::string host = "127.0.0.1";  // binds ephemeral ports on it
  int receive_queue = 4;           // ZeroMQ receive high-water mark, messages per connection
  GatekeeperOptions access;        // keys (security on) and the connection limit
  // Largest message ZeroMQ takes in (an Apiary message, before transport
  // framing); a peer that sends a larger one is disconnected before the
  // message is allocated. -1: no limit.
  std::int64_t max_message_bytes = -1;
};

class Receiver {
 public:
  // Binds both sockets.
  explicit Receiver(const ReceiverOptions& options);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  const Endpoints& endpoints() const { return endpoints_; }
  const ConnectionCounters& connections() const { return gatekeeper_.counters(); }

  // Starts the thread; it returns once ingest.finished() (then calls
  // on_finished), or when stop() is called. can_accept tells whether the
  // next sample would be stored without blocking.
  void start(Ingest& ingest, std::function<bool()> can_accept, std::function<void()> on_finished);
  void stop();
  void join();

  // Holds the thread at its loop boundary, between two messages, and
  // returns once it is held (or has ended), so that another thread may
  // read its Ingest (a checkpoint). It never waits inside a put: the loop
  // reads data only while the buffer has room. resume() lets it go on.
  void pause();
  void resume();

 private:
  // At the loop boundary: waits while a pause is asked for.
  void hold_if_paused();
  void run(Ingest& ingest, const std::function<bool()>& can_accept, const std::function<void()>& on_finished);

  zmq::context_t context_;
  Gatekeeper gatekeeper_;  // before the sockets: it must be there when they bind
  zmq::socket_t control_;
  zmq::socket_t data_;
  Endpoints endpoints_;
  std::atomic<bool> stop_{false};
  std::mutex pause_mutex_;
  std::condition_variable pause_changed_;
  bool pause_requested_ = false;
  bool held_ = false;     // the thread waits at its loop boundary
  bool running_ = false;  // between start() and the end of run()
  std::thread thread_;
};

}  // namespace apiary::server
