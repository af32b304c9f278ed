#include "security/curve_sockets.hpp"

namespace apiary::security {

void make_curve_server(zmq::socket_t& socket, const ServerKeys& keys) {
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, keys.server.secret_key);
  socket.set(zmq::sockopt::zap_domain, kZapDomain);
}

void make_plain_server(zmq::socket_t& socket) { socket.set(zmq::sockopt::zap_domain, kZapDomain); }

void make_curve_client(zmq::socket_t& socket, const ClientKeys& keys) {
  socket.set(zmq::sockopt::curve_serverkey, keys.server_public_key);
  socket.set(zmq::sockopt::curve_publickey, keys.client.public_key);
  socket.set(zmq::sockopt::curve_secretkey, keys.client.secret_key);
}

}  // namespace apiary::security
