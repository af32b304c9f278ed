#pragma once
// Connection events of one ZeroMQ socket (zmq_socket_monitor), read from an
// inproc pair socket: who connected, who went away, whose handshake failed.
#include <cstdint>
#include <optional>
#include <string>
#include <zmq.hpp>

namespace apiary::security {

struct SocketEvent {
  std::uint16_t event = 0;  // ZMQ_EVENT_*
  std::uint32_t value = 0;  // the event's value: an errno or a ZMQ_PROTOCOL_ERROR_*
  std::string endpoint;
};

class SocketEvents {
 public:
  // Monitors `socket` for the events in mask; `name` must be unique in the context.
  SocketEvents(zmq::context_t& context, zmq::socket_t& socket, const std::string& name, int mask);

  // The next event if one is waiting; never blocks.
  std::optional<SocketEvent> next();
  // For zmq::poll.
  zmq::socket_t& pollable() { return pair_; }

 private:
  zmq::socket_t pair_;
};

// "wrong mechanism", "key refused", ...: a handshake failure in words.
std::string describe_handshake_failure(const SocketEvent& event);

}  // namespace apiary::security
