#include "security/socket_events.hpp"

#include <cstring>

namespace apiary::security {

SocketEvents::SocketEvents(zmq::context_t& context, zmq::socket_t& socket, const std::string& name, int mask)
    : pair_(context, zmq::socket_type::pair) {
  const std::string address = "inproc://apiary-events-" + name;
  if (zmq_socket_monitor(socket.handle(), address.c_str(), mask) != 0) throw zmq::error_t();
  pair_.set(zmq::sockopt::linger, 0);
  pair_.connect(address);
}

std::optional<SocketEvent> SocketEvents::next() {
  // Each event is two frames: 6 bytes (event id, value), then the endpoint.
  zmq::message_t head, endpoint;
  if (!pair_.recv(head, zmq::recv_flags::dontwait)) return std::nullopt;
  (void)pair_.recv(endpoint);
  SocketEvent event;
  if (head.size() >= 6) {
    std::memcpy(&event.event, head.data(), sizeof event.event);
    std::memcpy(&event.value, static_cast<const char*>(head.data()) + 2, sizeof event.value);
  }
  event.endpoint = endpoint.to_string();
  return event;
}

std::string describe_handshake_failure(const SocketEvent& event) {
  switch (event.event) {
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      return "its key was refused";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      if (event.value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
        return "it does not use the study's security (one side encrypts with CURVE, the other does not)";
      }
      if (event.value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) return "its CURVE handshake did not verify";
      return "it broke the ZeroMQ handshake (protocol error " + std::to_string(event.value) + ")";
    default:
      return "the peer hung up during the handshake (" + std::string(zmq_strerror(static_cast<int>(event.value))) +
             "): it may not use the study's security, or not its keys";
  }
}

}  // namespace apiary::security
