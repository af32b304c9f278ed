#pragma once
// CURVE settings of Apiary's sockets. Set before bind or connect.
#include <zmq.hpp>

#include "security/curve_keys.hpp"

namespace apiary::security {

// Every server socket goes through the ZAP handler of its context (the
// server's Gatekeeper), which admits or refuses each peer; this domain
// also makes ZeroMQ consult it for unauthenticated (NULL) peers, so the
// connection limit holds with security off too.
inline constexpr const char* kZapDomain = "apiary";

// The server side: encrypts, and authenticates its peers through ZAP.
void make_curve_server(zmq::socket_t& socket, const ServerKeys& keys);
// The server side with security off: plain, but still through ZAP.
void make_plain_server(zmq::socket_t& socket);
// The client side: presents the client key, and accepts only the study's server.
void make_curve_client(zmq::socket_t& socket, const ClientKeys& keys);

}  // namespace apiary::security
