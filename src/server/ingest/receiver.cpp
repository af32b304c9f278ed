#include "server/ingest/receiver.hpp"

#include <spdlog/spdlog.h>

namespace apiary::server {
namespace {

// After the launcher announced the end, a simulation it saw complete may
// still have messages in flight; past this much silence they are not coming.
constexpr auto kDrainSilence = std::chrono::seconds(30);
constexpr auto kPollPeriod = std::chrono::milliseconds(100);
// While the buffer is full, how often to look again for room.
constexpr auto kRoomPollPeriod = std::chrono::milliseconds(2);
// ZeroMQ checks its size limit on every frame as it travels, the CURVE
// handshake's commands included (INITIATE: about 300 bytes), and a data
// message with CURVE's framing (33 bytes more).
constexpr std::int64_t kTransportOverhead = 1024;

std::span<const std::byte> bytes_of(const zmq::message_t& message) {
  return {static_cast<const std::byte*>(message.data()), message.size()};
}

}  // namespace

Receiver::Receiver(const ReceiverOptions& options)
    : context_(1),
      gatekeeper_(context_, options.access),
      control_(context_, zmq::socket_type::rep),
      data_(context_, zmq::socket_type::pull) {
  for (auto* socket : {&control_, &data_}) {
    socket->set(zmq::sockopt::linger, 0);
    socket->set(zmq::sockopt::maxmsgsize,
                options.max_message_bytes < 0 ? -1 : options.max_message_bytes + kTransportOverhead);
  }
  data_.set(zmq::sockopt::rcvhwm, options.receive_queue);
  gatekeeper_.guard(control_, "control");
  gatekeeper_.guard(data_, "data");
  gatekeeper_.start();
  control_.bind("tcp://" + options.host + ":*");
  data_.bind("tcp://" + options.host + ":*");
  endpoints_.control = control_.get(zmq::sockopt::last_endpoint);
  endpoints_.data = data_.get(zmq::sockopt::last_endpoint);
}

Receiver::~Receiver() {
  stop();
  join();
}

void Receiver::start(Ingest& ingest, std::function<bool()> can_accept, std::function<void()> on_finished) {
  {
    std::lock_guard lock(pause_mutex_);
    running_ = true;
  }
  thread_ = std::thread([this, &ingest, can_accept = std::move(can_accept), on_finished = std::move(on_finished)] {
    run(ingest, can_accept, on_finished);
  });
}

void Receiver::stop() {
  stop_ = true;
  // Through the lock, so that a thread held in a pause cannot miss it.
  { std::lock_guard lock(pause_mutex_); }
  pause_changed_.notify_all();
}

void Receiver::pause() {
  std::unique_lock lock(pause_mutex_);
  pause_requested_ = true;
  pause_changed_.wait(lock, [this] { return held_ || !running_; });
}

void Receiver::resume() {
  {
    std::lock_guard lock(pause_mutex_);
    pause_requested_ = false;
  }
  pause_changed_.notify_all();
}

void Receiver::hold_if_paused() {
  std::unique_lock lock(pause_mutex_);
  if (!pause_requested_) return;
  held_ = true;
  pause_changed_.notify_all();
  pause_changed_.wait(lock, [this] { return !pause_requested_ || stop_; });
  held_ = false;
}

void Receiver::join() {
  if (thread_.joinable()) thread_.join();
}

void Receiver::run(Ingest& ingest, const std::function<bool()>& can_accept, const std::function<void()>& on_finished) {
  std::array<zmq::pollitem_t, 2> items{{{data_.handle(), 0, ZMQ_POLLIN, 0}, {control_.handle(), 0, ZMQ_POLLIN, 0}}};
  auto last_message = std::chrono::steady_clock::now();
  zmq::message_t message;
  while (!stop_) {
    hold_if_paused();
    // One message completes at most one sample: reading only while there
    // is room means storing it never blocks this thread.
    const bool room = can_accept();
    // A full buffer is not silence: messages may wait unread in the queues.
    if (!room) last_message = std::chrono::steady_clock::now();
    items[0].events = room ? ZMQ_POLLIN : 0;
    items[0].revents = 0;
    zmq::poll(items.data(), items.size(), room ? kPollPeriod : kRoomPollPeriod);
    // Drain the data socket before looking at control again, so a burst of
    // data is not interleaved with a poll per message.
    if (items[0].revents & ZMQ_POLLIN) {
      while (can_accept() && data_.recv(message, zmq::recv_flags::dontwait)) ingest.handle_data(bytes_of(message));
      last_message = std::chrono::steady_clock::now();
    }
    if (items[1].revents & ZMQ_POLLIN) {
      if (control_.recv(message, zmq::recv_flags::dontwait)) {
        const auto reply = ingest.handle_control(bytes_of(message));
        control_.send(zmq::buffer(reply), zmq::send_flags::none);
        last_message = std::chrono::steady_clock::now();
      }
    }
    if (ingest.finished()) break;
    if (ingest.study_ended() && std::chrono::steady_clock::now() - last_message > kDrainSilence) {
      spdlog::warn("study over but some completed simulations never sent their end: giving up waiting");
      break;
    }
  }
  {
    std::lock_guard lock(pause_mutex_);
    running_ = false;
  }
  pause_changed_.notify_all();
  on_finished();
}

}  // namespace apiary::server
